/** The offer to restore work an earlier launch left unsaved (after a crash, a kill or a closed tab). */
import { useEditor, useEditorContext } from '../state/use-editor.ts';

export function RecoveryNotice() {
  const { actions } = useEditorContext();
  const recovery = useEditor((s) => s.recovery);
  if (!recovery) return null;
  const when = new Date(recovery.savedAt).toLocaleString();
  return (
    <section className="notice info recovery" aria-label="Unsaved work">
      <span>
        Unsaved work on “{recovery.name}” from {when} ({recovery.entries} {recovery.entries === 1 ? 'step' : 'steps'}, {recovery.edits}{' '}
        {recovery.edits === 1 ? 'edit' : 'edits'}) can be restored.
      </span>
      <button onClick={() => void actions.restoreRecovery()}>Restore</button>
      <button onClick={() => void actions.discardRecovery()}>Discard</button>
    </section>
  );
}
