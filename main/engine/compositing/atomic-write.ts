/**
 * Writing a file so that it is either complete or absent: write a temporary file beside it, flush it,
 * then rename it over the target (atomic within one file system). A failure removes the temporary file.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

function temporaryPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

/** Runs `write` against a temporary path, then moves the result to `target`. */
export async function writeAtomically(target: string, write: (temporaryPath: string) => Promise<void>): Promise<void> {
  const temporary = temporaryPathFor(target);
  try {
    await write(temporary);
    const handle = await fs.open(temporary, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temporary, target);
  } catch (e) {
    await fs.rm(temporary, { force: true });
    throw e;
  }
}

export async function writeFileAtomically(target: string, data: Uint8Array | string): Promise<void> {
  await writeAtomically(target, (temporary) => fs.writeFile(temporary, data));
}
