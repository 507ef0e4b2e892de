/** The prompt and run settings, Run (Fill when the prompt is empty) / Cancel, and the run's progress ("step k/N"). */
import { type Detail, editModeOf } from '../../main/contract.ts';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function PromptPanel() {
  const { actions } = useEditorContext();
  const run = useEditor((s) => s.run);
  const running = useEditor((s) => s.running);
  const busy = useEditor((s) => s.busy);
  const hasDoc = useEditor((s) => s.doc !== null);
  const engine = useEditor((s) => s.engine);
  const defaults = engine.defaults;
  const ready = engine.state === 'ready';
  const fill = editModeOf(run.prompt) === 'fill';

  return (
    <section className="panel" aria-label="Prompt">
      <h2>Prompt</h2>
      <textarea
        aria-label="Prompt"
        placeholder="What should appear in the masked area, e.g. “a red circle”; leave empty to fill it from its surroundings"
        value={run.prompt}
        rows={3}
        onChange={(e) => actions.setRun({ prompt: e.target.value })}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            void actions.run();
          }
        }}
      />
      <div className="fields">
        <label>
          Guidance
          <input
            type="number"
            min={0}
            max={50}
            step={0.5}
            aria-label="Guidance"
            placeholder={defaults ? String(defaults.guidanceScale) : 'default'}
            value={run.guidanceScale ?? ''}
            onChange={(e) => actions.setRun({ guidanceScale: e.target.value === '' ? null : Number(e.target.value) })}
          />
        </label>
        <label>
          Steps
          <input
            type="number"
            min={1}
            max={1000}
            aria-label="Steps"
            placeholder={defaults ? String(defaults.steps) : 'default'}
            value={run.steps ?? ''}
            onChange={(e) => actions.setRun({ steps: e.target.value === '' ? null : Math.round(Number(e.target.value)) })}
          />
        </label>
        {defaults?.detail && (
          <label title="How large the model generates: Standard up to 1024 px, High up to 1536 px (slower), never beyond the photo's own pixels. Around a drawn object the hole is re-drawn from the photo's own texture: Standard up to 768 px, High at every size">
            Detail
            <select aria-label="Detail" value={run.detail ?? defaults.detail} onChange={(e) => actions.setRun({ detail: e.target.value as Detail })}>
              <option value="standard">Standard</option>
              <option value="high">High</option>
            </select>
          </label>
        )}
        <label>
          Candidates
          <input type="number" min={1} max={8} aria-label="Candidates" value={run.candidates} onChange={(e) => actions.setRun({ candidates: Math.min(8, Math.max(1, Math.round(Number(e.target.value) || 1))) })} />
        </label>
        <label>
          Seed
          <select aria-label="Seed mode" value={run.seedMode} onChange={(e) => actions.setRun({ seedMode: e.target.value as 'random' | 'fixed' })}>
            <option value="random">Random</option>
            <option value="fixed">Fixed</option>
          </select>
        </label>
        {run.seedMode === 'fixed' && (
          <label>
            Seed value
            <input type="number" min={0} max={4294967295} aria-label="Seed" value={run.seed} onChange={(e) => actions.setRun({ seed: Math.min(4294967295, Math.max(0, Math.round(Number(e.target.value) || 0))) })} />
          </label>
        )}
      </div>
      {running ? (
        <div className="progress-block">
          <Progress />
          <button onClick={() => void actions.cancel()} disabled={running.cancelling}>
            {running.cancelling ? 'Cancelling…' : 'Cancel'}
          </button>
        </div>
      ) : (
        <button
          className="primary"
          onClick={() => void actions.run()}
          disabled={!hasDoc || !ready || busy !== null}
          title={ready ? (fill ? 'Fill: remove what is masked and continue the photo (Ctrl+Enter in the prompt)' : 'Run (Ctrl+Enter in the prompt)') : engine.message}
        >
          {ready ? (fill ? 'Fill' : 'Run') : 'Engine not ready'}
        </button>
      )}
    </section>
  );
}

function Progress() {
  const running = useEditor((s) => s.running)!;
  const busy = useEditor((s) => s.busy);
  const label =
    busy === 'preparing-mask'
      ? 'Preparing the mask…'
      : running.totalSteps === 0
        ? 'Starting…'
        : `${running.candidates > 1 ? `Candidate ${running.candidate + 1}/${running.candidates} · ` : ''}${running.stage === 'upsampler' ? 'Upsampling · ' : ''}step ${running.step}/${running.totalSteps}`;
  // The whole candidate (base, then each upsampler pass) where the engine counts it; else the stage.
  const fraction = running.overallTotal ? running.overallStep / running.overallTotal : running.totalSteps ? running.step / running.totalSteps : 0;
  return (
    <div className="progress">
      <progress aria-label="Run progress" max={1} value={fraction} />
      <span role="status" aria-live="polite">
        {label}
      </span>
    </div>
  );
}
