/**
 * The options of the mask tools under the toolbar: the lasso's mode, the wand's tolerance and reach,
 * and grow/shrink and feather, whose amounts show on the overlay as they change and join the history
 * with Apply (Esc or Drop drops them).
 */
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function MaskToolsBar() {
  const { actions } = useEditorContext();
  const tool = useEditor((s) => s.tool);
  const options = useEditor((s) => s.maskTools);
  const previewing = useEditor((s) => s.maskPreview !== null);
  const hasDoc = useEditor((s) => s.doc !== null);
  // In the amount fields too (the window's shortcuts stay out of text fields): Enter applies, Esc drops.
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter') actions.applyPreview();
    else if (e.key === 'Escape') actions.cancelPreview();
    else return;
    e.preventDefault();
  };

  return (
    <div className="mask-tools" aria-label="Mask tools">
      {tool === 'lasso' && (
        <label title="Freehand: drag an outline. Polygon: click the corners; Enter, a double-click or a click on the first corner closes it">
          Lasso
          <select value={options.lassoMode} onChange={(e) => actions.setMaskTools({ lassoMode: e.target.value as 'freehand' | 'polygon' })} aria-label="Lasso mode">
            <option value="freehand">Freehand</option>
            <option value="polygon">Polygon</option>
          </select>
        </label>
      )}
      {tool === 'wand' && (
        <>
          <label title="How far a colour may differ from the clicked one, per channel (0-255)">
            Tolerance
            <input type="number" min={0} max={255} value={options.wandTolerance} onChange={(e) => actions.setMaskTools({ wandTolerance: clampInt(e.target.value, 0, 255) })} aria-label="Wand tolerance" />
          </label>
          <label title="On: only the connected area around the click. Off: every similar pixel in the photo">
            <input type="checkbox" checked={options.wandContiguous} onChange={(e) => actions.setMaskTools({ wandContiguous: e.target.checked })} aria-label="Contiguous" />
            Contiguous
          </label>
        </>
      )}
      <label title="Grow (positive) or shrink (negative) the mask by this many photo pixels; the overlay shows it until you apply">
        Grow/shrink
        <input type="number" min={-2000} max={2000} value={options.grow} disabled={!hasDoc} onChange={(e) => actions.previewGrow(clampInt(e.target.value, -2000, 2000))} onKeyDown={keys} aria-label="Grow pixels" />
        px
      </label>
      <label title="Feather the mask's edge over this many photo pixels (half inside, half outside); nothing beyond it changes">
        Feather
        <input type="number" min={0} max={2000} value={options.feather} disabled={!hasDoc} onChange={(e) => actions.previewFeather(clampInt(e.target.value, 0, 2000))} onKeyDown={keys} aria-label="Feather pixels" />
        px
      </label>
      <button onClick={() => actions.applyPreview()} disabled={!previewing} title="Apply the grow/shrink or feather (Enter)">
        Apply
      </button>
      <button onClick={() => actions.cancelPreview()} disabled={!previewing} title="Drop the grow/shrink or feather (Esc)">
        Drop
      </button>
    </div>
  );
}

function clampInt(text: string, lo: number, hi: number): number {
  const v = Math.round(Number(text));
  return Number.isFinite(v) ? Math.min(hi, Math.max(lo, v)) : 0;
}
