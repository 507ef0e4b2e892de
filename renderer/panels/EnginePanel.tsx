/**
 * The model in use, where it runs and why in words (onnxruntime's own message behind Details), the
 * model folder and execution provider settings (applied at once).
 */
import { ProviderChoice } from '../../main/contract.ts';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function EnginePanel() {
  const { actions } = useEditorContext();
  const engine = useEditor((s) => s.engine);
  const provider = useEditor((s) => s.providerSetting);
  const nativeDialogs = useEditor((s) => s.app?.nativeDialogs ?? false);
  return (
    <section className="panel" aria-label="Engine">
      <h2>Engine</h2>
      {engine.model ? (
        <>
          <p className="hint">
            {engine.model.name} ({engine.model.license}) on {engine.provider?.name.toUpperCase()}.
          </p>
          {engine.provider && <p className="hint">{engine.provider.reason}</p>}
          {engine.provider?.detail && (
            <details className="hint">
              <summary>Details</summary>
              <pre className="raw-message">{engine.provider.detail}</pre>
            </details>
          )}
        </>
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
        {nativeDialogs && (
          <button onClick={() => void actions.chooseModel()} title="Choose a model bundle folder's bundle.json, e.g. OpenAI's weights converted with npm run models:convert-glide">
            Choose model…
          </button>
        )}
        <button onClick={() => void actions.switchToDefaultModel()}>Default model</button>
        <button onClick={() => void actions.restartEngine()} disabled={engine.state === 'starting' || engine.state === 'loading'}>
          Restart engine
        </button>
      </div>
    </section>
  );
}
