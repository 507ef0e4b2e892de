/**
 * Extend canvas: how many pixels to add on which sides. The new area shows grey and masked; Run
 * fills it from the photo's border (an empty prompt continues the photo, a prompt draws into it).
 */
import { useState } from 'react';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

const SIDES = ['left', 'top', 'right', 'bottom'] as const;
type Side = (typeof SIDES)[number];

export function CanvasPanel() {
  const { actions } = useEditorContext();
  const hasDoc = useEditor((s) => s.doc !== null);
  const idle = useEditor((s) => !s.running && !s.staging);
  const [pixels, setPixels] = useState(128);
  const [sides, setSides] = useState<Record<Side, boolean>>({ left: false, top: false, right: true, bottom: false });
  if (!hasDoc) return null;
  const chosen = SIDES.some((side) => sides[side]);
  const extend = () => actions.extendCanvas({ left: sides.left ? pixels : 0, top: sides.top ? pixels : 0, right: sides.right ? pixels : 0, bottom: sides.bottom ? pixels : 0 });

  return (
    <section className="panel canvas-panel" aria-label="Canvas">
      <h2>Extend canvas</h2>
      <label title="Pixels to add on each chosen side, at the photo's full resolution">
        Add
        <input type="number" min={1} max={16384} value={pixels} onChange={(e) => setPixels(Math.max(1, Math.min(16384, Math.round(Number(e.target.value)) || 1)))} aria-label="Extend pixels" />
        px to
      </label>
      <div className="sides" role="group" aria-label="Sides">
        {SIDES.map((side) => (
          <label key={side}>
            <input type="checkbox" checked={sides[side]} onChange={(e) => setSides({ ...sides, [side]: e.target.checked })} />
            {side[0].toUpperCase() + side.slice(1)}
          </label>
        ))}
      </div>
      <button
        onClick={extend}
        disabled={!chosen || !idle}
        title="Grow the canvas; the new area is masked, and Run fills it from the photo's border (leave the prompt empty to continue the photo). Undo takes it back."
      >
        Extend
      </button>
    </section>
  );
}
