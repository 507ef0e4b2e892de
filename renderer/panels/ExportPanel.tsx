/** Export at full resolution as PNG, JPEG or WebP (with the edits' recipes recorded in the file). */
import type { ImageFormat } from '../../main/contract.ts';
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function ExportPanel() {
  const { actions } = useEditorContext();
  const settings = useEditor((s) => s.exportSettings);
  const hasDoc = useEditor((s) => s.doc !== null);
  const busy = useEditor((s) => s.busy);
  if (!hasDoc) return null;
  return (
    <section className="panel" aria-label="Export">
      <h2>Export</h2>
      <div className="fields">
        <label>
          Format
          <select aria-label="Export format" value={settings.format} onChange={(e) => actions.setExport({ format: e.target.value as ImageFormat })}>
            <option value="png">PNG</option>
            <option value="jpeg">JPEG</option>
            <option value="webp">WebP</option>
          </select>
        </label>
        {settings.format !== 'png' && (
          <label>
            Quality
            <input type="number" min={1} max={100} aria-label="Export quality" value={settings.quality} onChange={(e) => actions.setExport({ quality: Math.min(100, Math.max(1, Math.round(Number(e.target.value) || 92))) })} />
          </label>
        )}
      </div>
      <button onClick={() => void actions.exportImage()} disabled={busy === 'exporting'}>
        {busy === 'exporting' ? 'Exporting…' : 'Export'}
      </button>
    </section>
  );
}
