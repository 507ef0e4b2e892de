/**
 * A stand-in for Electron's main-process API, just wide enough to run dist/main/main.mjs under
 * plain Node: it records what the shell registers (protocol handlers, IPC handlers, windows, menus,
 * session guards) and starts the engine as a Node child process where Electron would start a
 * utilityProcess. The test drives it over the process's IPC channel with small commands.
 *
 * It checks the shell's wiring, not Electron: the Playwright suite in e2e/electron does that where
 * a binary exists.
 */
import { fork } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const record = {
  privilegedSchemes: [],
  protocolHandlers: new Map(),
  ipcHandlers: new Map(),
  ipcListeners: new Map(),
  windows: [],
  menu: null,
  permissionRequestHandler: null,
  permissionCheckHandler: null,
  beforeRequest: null,
  sandboxEnabled: false,
  utility: [],
  /** Messages of showMessageBoxSync, and the button index it answers. */
  messageBoxes: [],
  messageBoxAnswer: 0,
};

// ---- app ----
class App extends EventEmitter {
  name = 'GLIDE Inpainting Editor';
  isPackaged = false;
  commandLine = { hasSwitch: (s) => s === 'enable-sandbox' && record.sandboxEnabled, appendSwitch() {} };
  paths = new Map();
  #ready = null;
  whenReady() {
    this.#ready ??= new Promise((resolve) => setImmediate(() => (this.emit('ready'), resolve())));
    return this.#ready;
  }
  requestSingleInstanceLock() {
    return true;
  }
  enableSandbox() {
    record.sandboxEnabled = true;
  }
  setPath(name, value) {
    this.paths.set(name, value);
  }
  getPath(name) {
    if (!this.paths.has(name)) {
      const dir = path.join(process.env.ELECTRON_STUB_DIR ?? path.join(os.tmpdir(), `electron-stub-${process.pid}`), name);
      mkdirSync(dir, { recursive: true });
      this.paths.set(name, dir);
    }
    return this.paths.get(name);
  }
  getAppPath() {
    return process.cwd();
  }
  getVersion() {
    return '0.0.0-stub';
  }
  addRecentDocument() {}
  clearRecentDocuments() {}
  getAppMetrics() {
    return record.utility.filter((u) => !u.exited).map((u) => ({ type: 'Utility', name: u.serviceName, pid: u.pid }));
  }
  quit() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.exit(0);
  }
  exit(code = 0) {
    send({ type: 'exiting', code });
    setImmediate(() => process.exit(code));
  }
}
export const app = new App();

// ---- protocol, session ----
export const protocol = {
  registerSchemesAsPrivileged: (schemes) => record.privilegedSchemes.push(...schemes),
  handle: (scheme, handler) => record.protocolHandlers.set(scheme, handler),
};
export const session = {
  defaultSession: {
    setPermissionRequestHandler: (h) => (record.permissionRequestHandler = h),
    setPermissionCheckHandler: (h) => (record.permissionCheckHandler = h),
    setDevicePermissionHandler() {},
    webRequest: { onBeforeRequest: (_filter, listener) => (record.beforeRequest = listener) },
  },
};

// ---- IPC ----
export const ipcMain = {
  handle: (channel, listener) => record.ipcHandlers.set(channel, listener),
  on: (channel, listener) => record.ipcListeners.set(channel, listener),
  removeAllListeners: (channel) => record.ipcListeners.delete(channel),
};

// ---- windows ----
class WebContents extends EventEmitter {
  url = '';
  sent = [];
  openHandler = null;
  destroyed = false;
  setWindowOpenHandler(h) {
    this.openHandler = h;
  }
  async loadURL(url) {
    this.url = url;
  }
  getURL() {
    return this.url;
  }
  send(channel, ...args) {
    this.sent.push([channel, ...args]);
  }
  isDestroyed() {
    return this.destroyed;
  }
}
export class BrowserWindow extends EventEmitter {
  static getAllWindows = () => record.windows.filter((w) => !w.destroyed);
  static getFocusedWindow = () => BrowserWindow.getAllWindows()[0] ?? null;
  destroyed = false;
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new WebContents();
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
    setImmediate(() => this.emit('ready-to-show'));
  }
  async loadURL(url) {
    return this.webContents.loadURL(url);
  }
  show() {}
  focus() {}
  maximize() {}
  restore() {}
  isMaximized() {
    return false;
  }
  isMinimized() {
    return false;
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
    this.emit('closed');
  }
  getNormalBounds() {
    return { x: 10, y: 10, width: this.options.width, height: this.options.height };
  }
}
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] };
export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => (record.menu = menu),
};
export const dialog = {
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
  showSaveDialog: async () => ({ canceled: true }),
  showErrorBox: (title, content) => send({ type: 'error-box', title, content }),
  showMessageBoxSync: (_window, options) => (record.messageBoxes.push(options.message), record.messageBoxAnswer),
};
export const shell = { openPath: async () => '' };

// ---- utilityProcess: a Node child process with the same surface ----
export const utilityProcess = {
  fork(modulePath, args, options) {
    const child = fork(modulePath, args, { serialization: 'advanced', stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: options.env ?? process.env });
    const utility = new EventEmitter();
    const entry = { serviceName: options.serviceName, get pid() { return child.pid; }, exited: false };
    record.utility.push(entry);
    Object.defineProperty(utility, 'pid', { get: () => (entry.exited ? undefined : child.pid) });
    utility.postMessage = (m) => child.connected && child.send(m, () => {});
    utility.kill = () => child.kill('SIGKILL');
    child.on('spawn', () => utility.emit('spawn'));
    child.on('message', (m) => utility.emit('message', m));
    child.on('error', () => {});
    child.on('exit', (code, signal) => {
      entry.exited = true;
      utility.emit('exit', code ?? (signal ? 9 : 0));
    });
    return utility;
  },
};

export default { app, protocol, session, ipcMain, BrowserWindow, screen, Menu, dialog, shell, utilityProcess };

// ---- the test's commands ----
function send(message) {
  if (process.connected) process.send(message);
}

const commands = {
  async state() {
    const win = BrowserWindow.getAllWindows()[0];
    return {
      privilegedSchemes: record.privilegedSchemes,
      protocols: [...record.protocolHandlers.keys()],
      ipcChannels: [...record.ipcHandlers.keys()],
      ipcListeners: [...record.ipcListeners.keys()],
      sandboxEnabled: record.sandboxEnabled,
      windows: BrowserWindow.getAllWindows().length,
      webPreferences: win?.options.webPreferences,
      url: win?.webContents.getURL(),
      menu: record.menu?.template.map((m) => ({ label: m.label, items: (m.submenu ?? []).map((i) => i.id ?? i.role ?? i.type ?? i.label) })),
      engines: record.utility.map((u) => ({ pid: u.pid, exited: u.exited })),
    };
  },
  async fetch({ url, method = 'GET' }) {
    const scheme = new URL(url).protocol.slice(0, -1);
    const handler = record.protocolHandlers.get(scheme);
    if (!handler) return { status: -1 };
    const res = await handler(new Request(url, { method }));
    return { status: res.status, headers: Object.fromEntries(res.headers), body: method === 'HEAD' ? '' : await res.text() };
  },
  async invoke({ channel, input, frameUrl, subframe = false }) {
    const handler = record.ipcHandlers.get(channel);
    if (!handler) return { missing: true };
    const event = { senderFrame: { url: frameUrl, parent: subframe ? {} : null } };
    return handler(event, input);
  },
  async navigate({ url }) {
    const contents = BrowserWindow.getAllWindows()[0].webContents;
    let prevented = false;
    contents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
    const open = contents.openHandler?.({ url });
    return { prevented, open };
  },
  async permission({ name }) {
    return new Promise((resolve) => record.permissionRequestHandler({}, name, resolve));
  },
  async request({ url }) {
    return new Promise((resolve) => record.beforeRequest({ url }, resolve));
  },
  async clickMenu({ id }) {
    const item = record.menu.template.flatMap((m) => m.submenu ?? []).find((i) => i.id === id);
    item.click();
    return BrowserWindow.getAllWindows()[0].webContents.sent.at(-1);
  },
  async sent() {
    return BrowserWindow.getAllWindows()[0].webContents.sent;
  },
  async killEngine() {
    const live = record.utility.filter((u) => !u.exited);
    for (const u of live) process.kill(u.pid, 'SIGKILL');
    return live.map((u) => u.pid);
  },
  /** The person closes the window; answer is the close dialog's button, if it asks. */
  async closeWindow({ answer = 0 }) {
    record.messageBoxAnswer = answer;
    const asked = record.messageBoxes.length;
    let prevented = false;
    BrowserWindow.getAllWindows()[0].emit('close', { preventDefault: () => (prevented = true) });
    return { prevented, asked: record.messageBoxes.slice(asked) };
  },
  async quit() {
    app.quit();
    return true;
  },
};

process.on('message', async (message) => {
  const { id, cmd, args } = message;
  try {
    send({ id, ok: true, value: await commands[cmd](args ?? {}) });
  } catch (error) {
    send({ id, ok: false, error: String(error?.stack ?? error) });
  }
});
