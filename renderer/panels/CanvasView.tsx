/** Mounts the Konva canvas and its controllers once, and binds them to the store. */
import { useEffect, useRef } from 'react';
import { BrushController } from '../canvas/brush-controller.ts';
import { bindCanvas } from '../canvas/canvas-binding.ts';
import { EditorCanvas } from '../canvas/editor-canvas.ts';
import { PanZoomController } from '../canvas/pan-zoom-controller.ts';
import { SelectionController } from '../canvas/selection-controller.ts';
import { useEditorContext } from '../state/use-editor.ts';

/** View › Zoom In/Out scale about the canvas centre. */
const MENU_ZOOM_STEP = 1.25;

export function CanvasView() {
  const { store, actions, api, canvas: owner } = useEditorContext();
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const canvas = new EditorCanvas(ref.current!);
    const nav = new PanZoomController(canvas);
    const brush = new BrushController(
      canvas,
      nav,
      () => {
        const s = store.get();
        const brushing = s.tool === 'brush' || s.tool === 'eraser';
        return { mode: s.tool === 'brush' ? 'paint' : 'erase', size: s.brush.size, hardness: s.brush.hardness, enabled: brushing && !s.running && !s.staging };
      },
      (stroke) => actions.pushMask(stroke),
    );
    const selection = new SelectionController(
      canvas,
      nav,
      () => {
        const s = store.get();
        const tool = s.tool === 'rect' || s.tool === 'lasso' || s.tool === 'wand' ? s.tool : null;
        const t = s.maskTools;
        return { tool, lassoMode: t.lassoMode, wandTolerance: t.wandTolerance, wandContiguous: t.wandContiguous, enabled: !s.running && !s.staging };
      },
      (op) => actions.pushMask(op),
    );
    // Selection tools show a crosshair (the brush shows its own outline).
    const showCursor = () => {
      const tool = store.get().tool;
      canvas.container.dataset.tool = tool;
    };
    showCursor();
    const offTool = store.subscribe(showCursor);
    const unbind = bindCanvas(canvas, store, (m) => store.notify('error', m));
    const detach = owner.attach(canvas);
    // The Electron shell's View menu.
    const offMenu = api.onEvent((e) => {
      if (e.event !== 'menu:command') return;
      const { width, height } = canvas.screenSize();
      if (e.payload.command === 'fit') canvas.fit();
      else if (e.payload.command === 'actual-size') canvas.actualSize();
      else if (e.payload.command === 'zoom-in') canvas.zoomAt(MENU_ZOOM_STEP, width / 2, height / 2);
      else if (e.payload.command === 'zoom-out') canvas.zoomAt(1 / MENU_ZOOM_STEP, width / 2, height / 2);
    });
    return () => {
      offMenu();
      detach();
      unbind();
      brush.destroy();
      selection.destroy();
      offTool();
      nav.destroy();
      canvas.destroy();
    };
  }, [store, actions, api, owner]);

  return <div ref={ref} className="canvas" data-testid="canvas" />;
}
