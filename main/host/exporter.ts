/** Exports the document as the history leaves it, at full resolution, through the engine. */
import type { ParsedInput, SavedFile } from '../contract.ts';
import { canvasSize } from './document-canvas.ts';
import type { DocumentStore } from './document-store.ts';
import type { EngineSession } from './engine-session.ts';
import { recipeText } from './recipe-text.ts';
import { suggestedFileName, type SaveDestination } from './save-destination.ts';

const EXTENSIONS = { png: 'png', jpeg: 'jpg', webp: 'webp' } as const;

export async function exportImage(
  deps: { docs: DocumentStore; engine: EngineSession; destination: SaveDestination },
  input: ParsedInput<'export:image'>,
): Promise<SavedFile | null> {
  const doc = deps.docs.get(input.docId);
  const source = await deps.docs.sourceFor(doc, input.editIds, input.canvas);
  const edits = input.editIds.map((id) => deps.docs.edit(doc, id));
  const parameters = recipeText(edits, canvasSize(doc.info, input.canvas), input.canvas);
  const name = suggestedFileName(doc.info.name, edits.length ? '-edited' : '', EXTENSIONS[input.format]);
  return deps.destination.save('image', name, async (outPath) => {
    await deps.engine.host.exportImage({ source, outPath, format: input.format, quality: input.quality, parameters });
  });
}
