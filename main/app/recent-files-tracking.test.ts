import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HostError } from '../contract.ts';
import type { Handlers } from '../host/register-handlers.ts';
import { recentFilesTracker } from './recent-files-tracking.ts';
import type { RecentFile } from './shell-state-schema.ts';

const doc = { docId: 'd1', name: 'a.jpg', format: 'jpeg', width: 4, height: 4, fileBytes: 10, display: { url: 'app-image://files/x', width: 4, height: 4 } } as const;
const project = { document: doc, edits: [], state: { entries: [], position: 0 } };

function handlers(): Handlers {
  return {
    'image:open-path': async ({ path }: { path: string }) => {
      if (path.includes('broken')) throw new HostError('bad-image', 'broken');
      return doc;
    },
    'image:open-dialog': async () => doc,
    'project:open-path': async () => project,
    'project:open-dialog': async () => null, // cancelled after choosing? still nothing opened
    'project:save': async () => ({ fileName: 'a.glideproj', bytes: 5, savedPath: '/p/a.glideproj', downloadUrl: null }),
  } as unknown as Handlers;
}

test('records files that opened or were saved, not ones that failed', async () => {
  const recorded: RecentFile[] = [];
  const tracker = recentFilesTracker(async (kind) => (kind === 'image' ? '/photos/chosen.jpg' : '/p/chosen.glideproj'), (f) => recorded.push(f));
  const h = tracker.wrap(handlers());
  // createHost would call the wrapped chooser from inside the dialog handler; emulate that.
  const inner = handlers();
  inner['image:open-dialog'] = async () => ((await tracker.chooseOpenPath('image')) ? doc : null);
  const withDialog = tracker.wrap(inner);

  await h['image:open-path']({ path: '/photos/a.jpg' });
  await assert.rejects(async () => h['image:open-path']({ path: '/photos/broken.jpg' }));
  await withDialog['image:open-dialog']({});
  await h['project:open-path']({ path: '/p/b.glideproj' });
  await h['project:open-dialog']({});
  await h['project:save']({ docId: 'd1', state: { entries: [], position: 0 } });
  assert.deepEqual(recorded, [
    { path: '/photos/a.jpg', kind: 'image' },
    { path: '/photos/chosen.jpg', kind: 'image' },
    { path: '/p/b.glideproj', kind: 'project' },
    { path: '/p/a.glideproj', kind: 'project' },
  ]);
});
