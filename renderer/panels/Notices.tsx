/** Errors and notes in the window: errors stay until dismissed, notes fade. */
import { useEditor, useEditorContext } from '../state/use-editor.ts';
import { RecoveryNotice } from './RecoveryNotice.tsx';

export function Notices() {
  const { store } = useEditorContext();
  const notices = useEditor((s) => s.notices);
  const engine = useEditor((s) => s.engine);
  const connectionLost = useEditor((s) => s.connectionLost);
  const { actions } = useEditorContext();
  const engineDown = engine.state === 'crashed' || engine.state === 'restarting' || engine.state === 'failed';
  return (
    <div className="notices">
      <RecoveryNotice />
      {connectionLost && <div className="notice error" role="alert">Not connected to the editor server. Is `npm run serve` still running?</div>}
      {engineDown && (
        <div className="notice error engine" role="alert" aria-label="Engine status">
          {engine.message}
          {engine.state !== 'restarting' && <button onClick={() => void actions.restartEngine()}>Restart engine</button>}
        </div>
      )}
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} role={n.kind === 'error' ? 'alert' : 'status'}>
          <span>{n.message}</span>
          <button aria-label="Dismiss" onClick={() => store.dismiss(n.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
