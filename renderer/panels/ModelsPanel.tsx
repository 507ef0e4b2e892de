/**
 * Models: the bundles the person has (Use, Remove), Get OpenAI GLIDE (filtered) with its size, licence
 * and model card shown before anything starts, the install's progress (MB, speed, time left; pause,
 * resume, cancel), Import checkpoint files… and Add bundle folder… (native dialogs: desktop app only).
 * Keeps its own state: the host's 'models:list' answer and its 'models:install' events.
 */
import { useCallback, useEffect, useState } from 'react';
import type { ModelInstallState, ModelsOverview, OfficialOffer, OfficialVariant } from '../../main/contract.ts';
import { HostError } from '../../main/contract.ts';
import { useEditorContext } from '../state/use-editor.ts';

function size(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${(bytes / 1e6).toFixed(0)} MB`;
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  if (seconds < 3600) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.floor(seconds / 3600)} h ${Math.ceil((seconds % 3600) / 60)} min`;
}

export function ModelsPanel() {
  const { api, store } = useEditorContext();
  const [overview, setOverview] = useState<ModelsOverview | null>(null);
  const [job, setJob] = useState<ModelInstallState | null>(null);
  const [offer, setOffer] = useState<OfficialOffer | null>(null);
  const [variant, setVariant] = useState<OfficialVariant>('base');
  const [fp16, setFp16] = useState(false);

  const attempt = useCallback(
    async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (e) {
        store.notify('error', e instanceof HostError ? e.message : `Something went wrong: ${(e as Error).message}`);
      }
    },
    [store],
  );
  const refresh = useCallback(
    () =>
      attempt(async () => {
        const o = await api.invoke('models:list', {});
        setOverview(o);
        setJob(o.job);
      }),
    [api, attempt],
  );

  useEffect(() => {
    void refresh();
    return api.onEvent((e) => {
      if (e.event !== 'models:install') return;
      setJob(e.payload);
      if (['done', 'failed', 'cancelled', 'paused'].includes(e.payload.phase)) void refresh();
      if (e.payload.phase === 'failed') store.notify('error', e.payload.message);
      if (e.payload.phase === 'done') store.notify('info', e.payload.message);
    });
  }, [api, refresh, store]);

  const active = job !== null && (job.phase === 'downloading' || job.phase === 'converting');
  const dialogs = overview?.dialogs ?? false;

  return (
    <section className="panel" aria-label="Models">
      <h2>Models</h2>
      <ul className="model-list" aria-label="Installed models">
        {overview?.installed.map((m) => (
          <li key={m.id} aria-label={m.name}>
            <div>
              <strong>{m.name}</strong>
              {m.inUse && <span className="badge"> in use</span>}
            </div>
            <div className="hint">
              {m.stages.join(' + ')} · {size(m.bytes)} · {m.license} · {m.source}
            </div>
            <div className="row">
              <button disabled={m.inUse} onClick={() => void attempt(async () => (await api.invoke('models:use', { id: m.id }), refresh()))}>
                Use
              </button>
              {m.kind !== 'built-in' && (
                <button
                  onClick={() => {
                    const what = m.kind === 'installed' ? `Delete ${m.name} (${size(m.bytes)}) from the app's models folder?` : `Forget ${m.name}? Its folder stays on disk.`;
                    if (window.confirm(what)) void attempt(async () => setOverview(await api.invoke('models:remove', { id: m.id })));
                  }}
                >
                  Remove
                </button>
              )}
            </div>
          </li>
        ))}
      </ul>

      {job && <InstallProgress job={job} control={(action) => void attempt(async () => setJob(await api.invoke('models:install-control', { action })))} />}

      {offer ? (
        <div className="offer" role="group" aria-label="Get OpenAI GLIDE (filtered)">
          <strong>{offer.name}</strong>
          <p className="hint">From {offer.source}</p>
          {offer.variants.map((v) => (
            <label key={v.id} className="choice">
              <input type="radio" name="glide-variant" checked={variant === v.id} onChange={() => setVariant(v.id)} />
              {v.label} (about {size(v.downloadBytes)} to download) — {v.detail}
            </label>
          ))}
          <label className="choice">
            <input type="checkbox" checked={fp16} onChange={(e) => setFp16(e.target.checked)} /> Store the weights as fp16 (half the disk space; computed in fp32)
          </label>
          <p>
            <strong>Licence: {offer.license.name}.</strong> {offer.license.text}
          </p>
          <p>
            <strong>Intended use.</strong> {offer.intendedUse}
          </p>
          <p>
            <strong>Limitations.</strong> {offer.limitations}
          </p>
          <div className="row">
            <button
              disabled={active}
              onClick={() =>
                void attempt(async () => {
                  setJob(await api.invoke('models:get-official', { variant, fp16 }));
                  setOffer(null);
                })
              }
            >
              Download and install
            </button>
            <button onClick={() => setOffer(null)}>Close</button>
          </div>
        </div>
      ) : (
        <div className="row">
          <button disabled={active} onClick={() => void attempt(async () => setOffer(await api.invoke('models:official-offer', {})))}>
            Get OpenAI GLIDE (filtered)…
          </button>
          {dialogs && (
            <>
              <button disabled={active} onClick={() => void attempt(async () => setJob((await api.invoke('models:import-dialog', { fp16 })) ?? job))}>
                Import checkpoint files…
              </button>
              <button onClick={() => void attempt(async () => setOverview((await api.invoke('models:add-folder-dialog', {})) ?? overview))}>Add bundle folder…</button>
            </>
          )}
        </div>
      )}
      {!dialogs && <p className="hint">Import checkpoint files… and Add bundle folder… need the desktop app (here: npm run models:import, or serve --bundle DIR).</p>}
    </section>
  );
}

function InstallProgress({ job, control }: { job: ModelInstallState; control: (action: 'pause' | 'resume' | 'cancel') => void }) {
  const { bytesDone, bytesTotal, bytesPerSecond, secondsLeft } = job;
  const figures = [
    bytesTotal ? `${(bytesDone / 1e6).toFixed(0)} / ${(bytesTotal / 1e6).toFixed(0)} MB` : bytesDone ? `${(bytesDone / 1e6).toFixed(0)} MB` : null,
    bytesPerSecond ? `${(bytesPerSecond / 1e6).toFixed(1)} MB/s` : null,
    secondsLeft !== null && job.phase !== 'paused' ? `${duration(secondsLeft)} left` : null,
  ].filter(Boolean);
  const running = job.phase === 'downloading' || job.phase === 'converting';
  return (
    <div className="progress" role="status" aria-label="Model installation">
      <span>{job.message}</span>
      {(running || job.phase === 'paused') && <progress value={bytesDone} max={bytesTotal ?? undefined} />}
      {figures.length > 0 && <span className="hint">{figures.join(' · ')}</span>}
      <div className="row">
        {job.phase === 'downloading' && <button onClick={() => control('pause')}>Pause</button>}
        {(job.phase === 'paused' || (job.phase === 'failed' && job.kind === 'official')) && <button onClick={() => control('resume')}>Resume</button>}
        {(running || job.phase === 'paused') && <button onClick={() => control('cancel')}>Cancel</button>}
      </div>
    </div>
  );
}
