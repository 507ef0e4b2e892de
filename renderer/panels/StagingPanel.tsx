/** The candidates of the last run: pick one, compare before/after, accept, discard, or retry with a new seed. */
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function StagingPanel() {
  const { actions } = useEditorContext();
  const staging = useEditor((s) => s.staging);
  const compare = useEditor((s) => s.compare);
  if (!staging) return null;
  return (
    <section className="panel staging" aria-label="Candidates">
      <h2>Candidates</h2>
      <div className="strip" role="listbox" aria-label="Candidate list">
        {staging.candidates.map((c, i) => (
          <button key={c.candidateId} role="option" aria-selected={i === staging.selected} className={i === staging.selected ? 'on' : ''} onClick={() => actions.selectCandidate(i)} title={`Seed ${c.seed}`}>
            <img src={c.url} alt={`Candidate ${i + 1}`} />
          </button>
        ))}
      </div>
      <label className="compare" title="Hold C to see the photo without the candidate">
        Before
        <input type="range" min={0} max={100} value={Math.round(compare.amount * 100)} aria-label="Before and after" onChange={(e) => actions.setCompare({ amount: Number(e.target.value) / 100 })} />
        After
      </label>
      <p className="hint">Hold C to compare. Seed {staging.candidates[staging.selected]?.seed}.</p>
      <div className="row">
        <button className="primary" onClick={() => void actions.accept()}>
          Accept
        </button>
        <button onClick={() => void actions.discardAll()}>Discard</button>
        <button onClick={() => void actions.retry()}>Retry (new seed)</button>
      </div>
    </section>
  );
}
