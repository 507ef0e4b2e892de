/** The model in use, where it runs and why, and the execution provider setting (applied by restarting the engine). */
import { ProviderChoice } from '../../main/engine/protocol.ts';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function EnginePanel() {
  const { actions } = useEditorContext();
  const engine = useEditor((s) => s.engine);
  const provider = useEditor((s) => s.providerSetting);
  return (
    <section className="panel" aria-label="Engine">
      <h2>Engine</h2>
      {engine.model ? (
        <p className="hint">
          {engine.model.name} ({engine.model.license}) on {engine.provider?.name.toUpperCase()}: {engine.provider?.reason}
        </p>
      ) : (
        <p className="hint">{engine.message}</p>
      )}
      <div className="row">
        <label>
          Provider{' '}
          <select aria-label="Execution provider" value={provider} onChange={(e) => void actions.setProvider(ProviderChoice.parse(e.target.value))}>
            {ProviderChoice.options.map((p) => (
              <option key={p} value={p}>
                {p === 'auto' ? 'Automatic' : p.toUpperCase()}
              </option>
            ))}
          </select>
        </label>
        <button onClick={() => void actions.restartEngine()} disabled={engine.state === 'starting' || engine.state === 'loading'}>
          Restart engine
        </button>
      </div>
    </section>
  );
}
