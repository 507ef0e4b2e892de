/** The history list: click an entry to go back to the state after it; greyed entries can be redone. */
import { entryLabel } from '../state/history.ts';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function HistoryPanel() {
  const { actions } = useEditorContext();
  const history = useEditor((s) => s.history);
  const hasDoc = useEditor((s) => s.doc !== null);
  if (!hasDoc) return null;
  return (
    <section className="panel" aria-label="History">
      <h2>History</h2>
      <ol className="history">
        <li>
          <button className={history.position === 0 ? 'current' : ''} onClick={() => actions.goTo(0)}>
            Original photo
          </button>
        </li>
        {history.entries.map((e, i) => (
          <li key={i} className={i < history.position ? '' : 'undone'}>
            <button className={i + 1 === history.position ? 'current' : ''} aria-current={i + 1 === history.position} onClick={() => actions.goTo(i + 1)}>
              {entryLabel(e)}
            </button>
          </li>
        ))}
      </ol>
    </section>
  );
}
