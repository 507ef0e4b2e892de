import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { NativeDialogs, openDialogOptions, saveDialogOptions, withExtensionOf, type DialogLike } from './native-dialogs.ts';

test('open dialogs filter photos or projects', () => {
  assert.deepEqual(openDialogOptions('image', undefined).filters, [{ name: 'Photos (JPEG, PNG, WebP)', extensions: ['jpg', 'jpeg', 'png', 'webp'] }]);
  assert.deepEqual(openDialogOptions('project', '/p').filters[0].extensions, ['glideproj']);
  assert.equal(openDialogOptions('project', '/p').defaultPath, '/p');
});

test('save dialogs suggest the name in the last folder, filtered by the chosen format', () => {
  const o = saveDialogOptions('image', 'beach-edited.png', '/photos');
  assert.equal(o.defaultPath, path.join('/photos', 'beach-edited.png'));
  assert.deepEqual(o.filters, [{ name: 'PNG image', extensions: ['png'] }]);
  assert.deepEqual(saveDialogOptions('image', 'a.jpg', '/p').filters[0].extensions, ['jpg']);
  assert.deepEqual(saveDialogOptions('project', 'a.glideproj', '/p').filters[0].extensions, ['glideproj']);
});

test('a chosen name without the format extension gets it', () => {
  assert.equal(withExtensionOf('/p/out', 'a.png'), '/p/out.png');
  assert.equal(withExtensionOf('/p/out.png', 'a.png'), '/p/out.png');
  assert.equal(withExtensionOf('/p/out.JPEG', 'a.jpg'), '/p/out.JPEG');
  assert.equal(withExtensionOf('/p/out.png', 'a.webp'), '/p/out.png.webp');
});

test('the chooser returns the path or null, and remembers the folder for the next dialog', async () => {
  const calls: { kind: string; defaultPath?: string }[] = [];
  let answer: { canceled: boolean; filePaths: string[]; filePath?: string } = { canceled: false, filePaths: ['/photos/trip/a.jpg'] };
  const dialog: DialogLike<'win'> = {
    showOpenDialog: async (_w, o) => (calls.push({ kind: 'open', defaultPath: o.defaultPath }), answer),
    showSaveDialog: async (_w, o) => (calls.push({ kind: 'save', defaultPath: o.defaultPath }), answer),
  };
  const dialogs = new NativeDialogs(dialog, () => 'win', '/home/me/Pictures');
  assert.equal(await dialogs.chooseOpenPath('image'), '/photos/trip/a.jpg');
  answer = { canceled: false, filePaths: [], filePath: '/photos/trip/a-edited' };
  assert.deepEqual(await dialogs.chooseSaveTarget({ kind: 'image', suggestedName: 'a-edited.png' }), { path: '/photos/trip/a-edited.png' });
  assert.equal(calls[1].defaultPath, path.join('/photos/trip', 'a-edited.png'));
  answer = { canceled: true, filePaths: [] };
  assert.equal(await dialogs.chooseOpenPath('project'), null);
  assert.equal(await dialogs.chooseSaveTarget({ kind: 'project', suggestedName: 'a.glideproj' }), null);
  // No window (closing): nothing is shown.
  assert.equal(await new NativeDialogs(dialog, () => null, '/').chooseOpenPath('image'), null);
});
