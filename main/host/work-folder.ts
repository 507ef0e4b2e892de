/**
 * A launch's private temporary folder (the person's photos, candidates, downloads), removed on every
 * exit the process sees: normal, signal, uncaught error. A kill -9 or power cut gives no chance, so
 * each folder records its owner's pid and the next launch removes folders whose owner is gone.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const OWNER_FILE = 'owner.pid';
/** A folder without an owner file may be one another launch is creating right now. */
const UNOWNED_GRACE_MS = 60_000;

export interface WorkFolder {
  dir: string;
  /** Folders of earlier launches removed at start. */
  swept: string[];
  remove(): void;
}

export function createWorkFolder(parent: string, prefix: string): WorkFolder {
  const swept = sweepStaleWorkFolders(parent, prefix);
  const dir = mkdtempSync(path.join(parent, prefix));
  writeFileSync(path.join(dir, OWNER_FILE), String(process.pid));
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  };
  // 'exit' runs for process.exit(), the end of the event loop and uncaught errors (after the
  // handlers); callers turn signals into process.exit so they pass through here too.
  process.on('exit', remove);
  return { dir, swept, remove };
}

export function sweepStaleWorkFolders(parent: string, prefix: string, now = Date.now()): string[] {
  const swept: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return swept;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(parent, name);
    try {
      if (!statSync(dir).isDirectory() || !isStale(dir, now)) continue;
      rmSync(dir, { recursive: true, force: true });
      swept.push(dir);
    } catch {
      // Another user's folder, or one removed meanwhile: not ours to sweep.
    }
  }
  return swept;
}

function isStale(dir: string, now: number): boolean {
  let owner: number;
  try {
    owner = Number(readFileSync(path.join(dir, OWNER_FILE), 'utf8'));
  } catch {
    return now - statSync(dir).mtimeMs > UNOWNED_GRACE_MS;
  }
  if (!Number.isInteger(owner) || owner <= 0) return true;
  if (owner === process.pid) return false;
  try {
    process.kill(owner, 0);
    return false;
  } catch (error) {
    // EPERM: the pid is alive but another user's.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
