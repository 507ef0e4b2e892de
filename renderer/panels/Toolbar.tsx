/** Files, tools, brush, mask overlay, mask files, undo/redo and zoom. */
import { useEffect, useRef, useState } from 'react';
import type { Tool } from '../state/editor-state.ts';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

const ADD_SUBTRACT = 'Shift or nothing adds to the mask, Alt subtracts';
const TOOLS: { tool: Tool; label: string; title: string }[] = [
  { tool: 'brush', label: 'Brush', title: 'Brush (B): paint the mask; Alt erases' },
  { tool: 'eraser', label: 'Eraser', title: 'Eraser (E): erase the mask; Alt paints' },
  { tool: 'rect', label: 'Rectangle', title: `Rectangle (M): drag a box. ${ADD_SUBTRACT}; Esc cancels` },
  { tool: 'lasso', label: 'Lasso', title: `Lasso (L): drag a freehand outline, or in Polygon mode click the corners and press Enter (or double-click) to close. ${ADD_SUBTRACT}; Esc cancels` },
  { tool: 'wand', label: 'Wand', title: `Magic wand (W): click a colour to select the pixels like it. ${ADD_SUBTRACT}` },
];

export function Toolbar() {
  const { actions, canvas } = useEditorContext();
  const tool = useEditor((s) => s.tool);
  const brush = useEditor((s) => s.brush);
  const overlay = useEditor((s) => s.overlay);
  const history = useEditor((s) => s.history);
  const hasDoc = useEditor((s) => s.doc !== null);
  const nativeDialogs = useEditor((s) => s.app?.nativeDialogs ?? false);
  const busy = useEditor((s) => s.busy);
  const imageInput = useRef<HTMLInputElement>(null);
  const projectInput = useRef<HTMLInputElement>(null);
  const maskInput = useRef<HTMLInputElement>(null);
  const zoom = useZoomPercent();

  const pick = (input: HTMLInputElement | null, kind: 'image' | 'project') => {
    if (nativeDialogs) void actions.openWithDialog(kind);
    else input?.click();
  };
  const onFile = (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void actions.openFile(file);
  };

  const onMaskFile = (e: React.ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    e.target.value = '';
    if (file) void actions.loadMaskFile(file);
  };

  return (
    <header className="toolbar">
      <div className="group">
        <button onClick={() => pick(imageInput.current, 'image')} disabled={busy === 'opening'}>
          {busy === 'opening' ? 'Opening…' : 'Open photo'}
        </button>
        <input ref={imageInput} type="file" accept="image/jpeg,image/png,image/webp,.jpg,.jpeg,.png,.webp" hidden aria-label="Photo file" onChange={onFile} />
        <button onClick={() => pick(projectInput.current, 'project')}>Open project</button>
        <input ref={projectInput} type="file" accept=".glideproj" hidden aria-label="Project file" onChange={onFile} />
        <button onClick={() => void actions.saveProject()} disabled={!hasDoc || busy === 'saving'}>
          Save project
        </button>
      </div>
      <div className="group" role="radiogroup" aria-label="Tool">
        {TOOLS.map((t) => (
          <button key={t.tool} role="radio" aria-checked={tool === t.tool} className={tool === t.tool ? 'on' : ''} onClick={() => actions.setTool(t.tool)} title={t.title}>
            {t.label}
          </button>
        ))}
      </div>
      <div className="group">
        <label title="Brush size in photo pixels ([ and ])">
          Size
          <input type="range" min={1} max={1000} value={Math.min(brush.size, 1000)} onChange={(e) => actions.setBrush({ size: Number(e.target.value) })} />
          <output aria-label="Brush size">{brush.size}</output>
        </label>
        <label title="Hardness: how much of the brush's size a stroke covers (all of it at 100%, half at 0); the outline and the overlay show what the engine gets, and the engine feathers the edge when it blends">
          Hardness
          <input type="range" min={0} max={100} value={Math.round(brush.hardness * 100)} onChange={(e) => actions.setBrush({ hardness: Number(e.target.value) / 100 })} />
        </label>
      </div>
      <div className="group">
        <label title="Mask overlay colour">
          Mask
          <input type="color" value={overlay.colour} onChange={(e) => actions.setOverlay({ colour: e.target.value })} aria-label="Mask colour" />
        </label>
        <label title="Mask overlay opacity">
          <input type="range" min={5} max={100} value={Math.round(overlay.opacity * 100)} onChange={(e) => actions.setOverlay({ opacity: Number(e.target.value) / 100 })} aria-label="Mask opacity" />
        </label>
        <button onClick={() => actions.pushMask({ kind: 'invert' })} disabled={!hasDoc}>
          Invert
        </button>
        <button onClick={() => actions.pushMask({ kind: 'clear' })} disabled={!hasDoc}>
          Clear
        </button>
        <button onClick={() => maskInput.current?.click()} disabled={!hasDoc} title="Load a mask from a PNG the photo's size (white = change)">
          Load mask
        </button>
        <input ref={maskInput} type="file" accept="image/png,.png" hidden aria-label="Mask file" onChange={onMaskFile} />
        <button onClick={() => void actions.saveMaskFile()} disabled={!hasDoc} title="Save the mask as a PNG the photo's size (white = change)">
          Save mask
        </button>
      </div>
      <div className="group">
        <button onClick={() => actions.undo()} disabled={!history.canUndo} title="Undo (Ctrl+Z)">
          Undo
        </button>
        <button onClick={() => actions.redo()} disabled={!history.canRedo} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
      </div>
      <div className="group">
        <button onClick={() => canvas.fit()} disabled={!hasDoc} title="Fit (0)">
          Fit
        </button>
        <button onClick={() => canvas.actualSize()} disabled={!hasDoc} title="100% (1)">
          100%
        </button>
        <span className="zoom" aria-label="Zoom">
          {zoom}
        </span>
      </div>
    </header>
  );
}

function useZoomPercent(): string {
  const { canvas } = useEditorContext();
  const [zoom, setZoom] = useState('');
  useEffect(() => canvas.onViewChange((v) => setZoom(`${(v.scale * 100).toFixed(v.scale < 0.1 ? 1 : 0)}%`)), [canvas]);
  return zoom;
}
