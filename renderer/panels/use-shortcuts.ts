/** Keyboard: B/E/M/L/W tools, Enter/Esc apply or drop a grow/feather preview, [ ] size, Ctrl+Z / Ctrl+Shift+Z (Ctrl+Y) undo/redo, 0 fit, 1 100%, hold C to compare, Enter in the prompt runs. */
import { useEffect } from 'react';
import { isTyping } from '../canvas/pan-zoom-controller.ts';
import { useEditorContext } from '../state/use-editor.ts';

export function useShortcuts(): void {
  const { actions, store, canvas } = useEditorContext();
  useEffect(() => {
    const down = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (mod && e.key.toLowerCase() === 'z' && !isTyping(e)) {
        e.preventDefault();
        if (e.shiftKey) actions.redo();
        else actions.undo();
        return;
      }
      if (mod && e.key.toLowerCase() === 'y' && !isTyping(e)) {
        e.preventDefault();
        actions.redo();
        return;
      }
      if (mod || e.altKey || isTyping(e)) return;
      switch (e.key) {
        case 'b':
        case 'B':
          actions.setTool('brush');
          break;
        case 'e':
        case 'E':
          actions.setTool('eraser');
          break;
        case 'm':
        case 'M':
          actions.setTool('rect');
          break;
        case 'l':
        case 'L':
          actions.setTool('lasso');
          break;
        case 'w':
        case 'W':
          actions.setTool('wand');
          break;
        case 'Enter':
          if (!store.get().maskPreview) return;
          actions.applyPreview();
          break;
        case 'Escape':
          if (!store.get().maskPreview) return;
          actions.cancelPreview();
          break;
        case '[':
          actions.stepBrushSize(-1);
          break;
        case ']':
          actions.stepBrushSize(1);
          break;
        case '0':
          canvas.fit();
          break;
        case '1':
          canvas.actualSize();
          break;
        case 'c':
        case 'C':
          if (store.get().staging) actions.setCompare({ holding: true });
          break;
        default:
          return;
      }
      e.preventDefault();
    };
    const up = (e: KeyboardEvent) => {
      if (e.key === 'c' || e.key === 'C') actions.setCompare({ holding: false });
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, [actions, store, canvas]);
}
