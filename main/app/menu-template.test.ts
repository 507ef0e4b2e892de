import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MenuItemConstructorOptions } from 'electron';
import { buildMenuTemplate, type MenuCommand } from './menu-template.ts';

function build(platform: NodeJS.Platform = 'linux', devTools = false) {
  const sent: MenuCommand[] = [];
  let cleared = 0;
  const template = buildMenuTemplate({
    platform,
    appName: 'GLIDE Inpainting Editor',
    recentFiles: [{ path: '/photos/beach & sea.jpg', kind: 'image' }],
    send: (c) => sent.push(c),
    clearRecentFiles: () => cleared++,
    devTools,
  });
  return { template, sent, cleared: () => cleared };
}

function items(menu: MenuItemConstructorOptions | undefined): MenuItemConstructorOptions[] {
  return (menu?.submenu ?? []) as MenuItemConstructorOptions[];
}
const click = (item: MenuItemConstructorOptions | undefined) => (item?.click as () => void)();
const byLabel = (template: MenuItemConstructorOptions[], label: string) => template.find((m) => m.label === label);

test('File, Edit and View menus with the usual accelerators; each item sends its command', () => {
  const { template, sent } = build();
  assert.deepEqual(template.map((m) => m.label), ['File', 'Edit', 'View']);
  const expect: [string, string, string][] = [
    ['File', 'open-image', 'CmdOrCtrl+O'],
    ['File', 'open-project', 'CmdOrCtrl+Shift+O'],
    ['File', 'save-project', 'CmdOrCtrl+S'],
    ['File', 'export', 'CmdOrCtrl+E'],
    ['Edit', 'undo', 'CmdOrCtrl+Z'],
    ['Edit', 'redo', 'Ctrl+Shift+Z'],
    ['View', 'fit', 'CmdOrCtrl+0'],
    ['View', 'actual-size', 'CmdOrCtrl+1'],
    ['View', 'zoom-in', 'CmdOrCtrl+='],
    ['View', 'zoom-out', 'CmdOrCtrl+-'],
  ];
  for (const [menu, command, accelerator] of expect) {
    const item = items(byLabel(template, menu)).find((i) => i.id === command);
    assert.ok(item, `${menu} › ${command}`);
    assert.equal(item.accelerator, accelerator, command);
    click(item);
    assert.deepEqual(sent.at(-1), { command });
  }
  const quit = items(byLabel(template, 'File')).find((i) => i.role === 'quit');
  assert.equal(quit?.accelerator, 'Ctrl+Q');
  // Text editing roles for the prompt field.
  assert.deepEqual(items(byLabel(template, 'Edit')).filter((i) => i.role).map((i) => i.role), ['cut', 'copy', 'paste', 'selectAll']);
});

test('only commands the contract carries are offered', () => {
  const { template } = build();
  const ids = template.flatMap((m) => items(m)).flatMap((i) => [i, ...items(i)]).map((i) => i.id).filter(Boolean);
  // Every id is a menu:command the renderer understands.
  for (const id of ids) assert.match(String(id), /^(open-image|open-project|save-project|export|undo|redo|fit|actual-size|zoom-in|zoom-out|open-recent)$/);
});

test('macOS: app and Window menus, Close in File; devtools only when asked', () => {
  const mac = build('darwin').template;
  assert.equal(mac[0].role, 'appMenu');
  assert.equal(mac.at(-1)?.role, 'windowMenu');
  assert.ok(items(byLabel(mac, 'File')).some((i) => i.role === 'close'));
  assert.ok(!items(byLabel(build('linux').template, 'View')).some((i) => i.role === 'toggleDevTools'));
  assert.ok(items(byLabel(build('linux', true).template, 'View')).some((i) => i.role === 'toggleDevTools'));
});

test('File › Open Recent lists the recent files and sends their path and kind', () => {
  const { template, sent, cleared } = build();
  const recent = items(byLabel(template, 'File')).find((i) => i.label === 'Open Recent');
  assert.ok(recent, 'Open Recent is offered');
  const entry = items(recent).find((i) => i.id === 'open-recent');
  click(entry);
  assert.deepEqual(sent.at(-1), { command: 'open-recent', path: '/photos/beach & sea.jpg', kind: 'image' });
  click(items(recent).find((i) => i.label === 'Clear Recent'));
  assert.equal(cleared(), 1);
});
