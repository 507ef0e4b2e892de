import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createWorkFolder, sweepStaleWorkFolders } from './work-folder.ts';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testing/work-folder-child.ts');
const parent = mkdtempSync(path.join(os.tmpdir(), 'work-folder-test-'));
after(() => rmSync(parent, { recursive: true, force: true }));

/** Starts the child; resolves with its folder once made, and with its exit once it ends. */
function child(ending: string): { folder: Promise<string>; exited: Promise<number | null>; kill(signal: NodeJS.Signals): void } {
  const p = spawn(process.execPath, ['--import', 'tsx', CHILD, parent, ending], { stdio: ['ignore', 'pipe', 'ignore'] });
  const folder = new Promise<string>((resolve) => p.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
  return { folder, exited, kill: (signal) => p.kill(signal) };
}

for (const ending of ['throw', 'reject', 'exit']) {
  test(`the folder is removed when the process ends by ${ending}`, async () => {
    const c = child(ending);
    const dir = await c.folder;
    assert.ok(dir.startsWith(parent));
    await c.exited;
    assert.equal(existsSync(dir), false);
  });
}

test('SIGTERM removes it; SIGKILL leaves it, and the next launch sweeps it', async () => {
  const term = child('wait');
  const termDir = await term.folder;
  term.kill('SIGTERM');
  await term.exited;
  assert.equal(existsSync(termDir), false);

  const killed = child('wait');
  const killedDir = await killed.folder;
  killed.kill('SIGKILL');
  await killed.exited;
  assert.equal(existsSync(killedDir), true);
  const next = createWorkFolder(parent, 'glide-serve-');
  assert.deepEqual(next.swept, [killedDir]);
  const live = child('wait');
  try {
    const liveDir = await live.folder;
    const another = createWorkFolder(parent, 'glide-serve-');
    assert.deepEqual(another.swept, [], "running launches' folders are kept");
    another.remove();
    assert.equal(existsSync(liveDir), true);
  } finally {
    live.kill('SIGTERM');
    await live.exited;
  }
  next.remove();
  assert.equal(existsSync(next.dir), false);
});

test('folders without an owner are swept only once older than a minute; other prefixes never', () => {
  const fresh = path.join(parent, 'glide-serve-fresh');
  const old = path.join(parent, 'glide-serve-old');
  const other = path.join(parent, 'someone-else');
  for (const d of [fresh, old, other]) mkdirSync(d);
  const past = new Date(Date.now() - 120_000);
  utimesSync(old, past, past);
  utimesSync(other, past, past);
  assert.deepEqual(sweepStaleWorkFolders(parent, 'glide-serve-'), [old]);
  assert.equal(existsSync(fresh), true);
  assert.equal(existsSync(other), true);
});
