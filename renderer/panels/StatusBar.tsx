/** The engine's state and model, and the open photo's size. */
import { placedMask } from '../state/placed-mask.ts';
import { useEditor } from '../state/use-editor.ts';

export function StatusBar() {
  const engine = useEditor((s) => s.engine);
  const doc = useEditor((s) => s.doc);
  const lastRun = useEditor((s) => s.lastRun);
  const canvas = useEditor((s) => (s.doc ? placedMask(s.history, s.doc).canvas : null));
  return (
    <footer className="status">
      <span className={`engine-state ${engine.state}`} data-state={engine.state} aria-label="Engine">
        {engine.message}
      </span>
      {doc && (
        <span>
          {doc.name} · {doc.width}×{doc.height} ({((doc.width * doc.height) / 1e6).toFixed(1)} MP)
          {canvas && (canvas.width !== doc.width || canvas.height !== doc.height) && ` · canvas ${canvas.width}×${canvas.height}`}
        </span>
      )}
      {lastRun && (
        <span title={`From clicking Run to the result on screen; the engine's edit took ${(lastRun.millis / 1000).toFixed(1)} s, of which the model's sampling is in brackets`}>
          Last run: {(lastRun.clickToResultMs / 1000).toFixed(1)} s{lastRun.inferenceMs !== null && ` (model ${(lastRun.inferenceMs / 1000).toFixed(1)} s)`}
        </span>
      )}
    </footer>
  );
}
