/**
 * A file name joined to a folder, proven to stay inside it: the resolved path's parent must be the
 * folder itself, so no `..`, separator, absolute path or NUL in the name can send a write elsewhere.
 * Names are the host's own (indexes, checked ids); this is the last check before a write.
 */
import path from 'node:path';
import { HostError } from '../contract.ts';

export function fileInside(dir: string, name: string): string {
  const root = path.resolve(dir);
  const full = path.resolve(root, name);
  if (name.includes('\0') || path.dirname(full) !== root || path.basename(full) !== name) {
    throw new HostError('internal', 'Refused to write a file outside the document\'s folder.');
  }
  return full;
}
