/**
 * `npm run serve`: the editor in any Chromium. Starts the engine process through the engine host,
 * builds the same host handlers Electron uses, and serves the built renderer on 127.0.0.1 with a
 * per-launch token. Options: --port N (default: a free port), --bundle DIR, --provider NAME,
 * --settings FILE (default: the user's config folder).
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { ProviderChoice } from '../main/engine/protocol.ts';
import { EngineHost, nodeEngineLauncher } from '../main/engine-host/engine-host.ts';
import type { HostEvent } from '../main/contract.ts';
import { createHost } from '../main/host/create-host.ts';
import { EngineSession } from '../main/host/engine-session.ts';
import { FileUrls } from '../main/host/file-urls.ts';
import { jsonFileSettingsStore, SettingsService } from '../main/host/settings-service.ts';
import { chooseBundle, defaultBundleDir } from '../main/host/bundle-choice.ts';
import { createWorkFolder } from '../main/host/work-folder.ts';
import { bundleDirAllowList } from '../main/host/installed-bundles.ts';
import { workerImporter } from '../main/host/model-install/run-import.ts';
import { startServeServer, type ServeServer } from './http-server.ts';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      bundle: { type: 'string' },
      provider: { type: 'string' },
      settings: { type: 'string' },
      static: { type: 'string', default: path.join(REPO_ROOT, 'dist/renderer') },
      // Tests: the Models panel's downloads from a 127.0.0.1 server, with the templates of its small checkpoints.
      'models-url': { type: 'string' },
      'models-templates': { type: 'string' },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be a port number, not ${values.port}`);
  if (!existsSync(path.join(values.static, 'index.html'))) {
    throw new Error(`The renderer is not built (${values.static}/index.html is missing): run npm run build:renderer, or use npm run serve.`);
  }
  const configHome = process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config');
  const settingsFile = values.settings ?? path.join(configHome, 'glide-inpaint-editor', 'settings.json');
  // --bundle and --provider choose the model and provider for this launch (never stored): the window shows them,
  // and a choice made in the window (Models panel, Default model, provider menu) replaces them.
  const settings = new SettingsService(jsonFileSettingsStore(settingsFile), {
    ...(values.bundle ? { bundleDir: path.resolve(values.bundle) } : {}),
    ...(values.provider ? { provider: ProviderChoice.parse(values.provider) } : {}),
  });
  const work = createWorkFolder(os.tmpdir(), 'glide-serve-');
  if (work.swept.length) console.log(`Removed ${work.swept.length} work folder(s) left by earlier runs that did not stop cleanly.`);
  const workDir = work.dir;
  const files = new FileUrls('/files/');
  let server: ServeServer | null = null;
  const emit = (e: HostEvent) => server?.broadcast(e);

  const engineHost = new EngineHost(nodeEngineLauncher());
  const engine = new EngineSession(
    engineHost,
    async () => {
      const s = (await settings.get()).engine;
      return chooseBundle(REPO_ROOT, s.bundleDir, s.provider);
    },
    (payload) => {
      console.log(`engine: ${payload.state}: ${payload.message}`);
      emit({ event: 'engine:status', payload });
    },
  );
  const host = createHost({
    mode: 'serve',
    version: process.env.npm_package_version ?? 'dev',
    workDir,
    files,
    engine,
    settings,
    chooseSaveTarget: async () => 'download',
    pathAccess: false,
    autosaveDir: path.join(path.dirname(settingsFile), 'autosave'),
    mayUseBundleDir: bundleDirAllowList(REPO_ROOT, () => [values.bundle]),
    emit,
    models: {
      modelsDir: path.join(path.dirname(settingsFile), 'models'),
      templatesDir: values['models-templates'] ? path.resolve(values['models-templates']) : path.join(REPO_ROOT, 'models/official-templates'),
      defaultBundleDir: defaultBundleDir(REPO_ROOT),
      runImport: workerImporter(),
      baseUrl: values['models-url'],
    },
  });
  server = await startServeServer({ port, staticDir: values.static, token: randomBytes(24).toString('base64url'), files, handlers: host.handlers });
  console.log(`Serving the editor at ${server.url}`);
  console.log('Open that address in Chromium (the token after # lets only that page drive the editor). Ctrl+C stops.');

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await server?.close().catch(() => {});
    await engine.stop().catch(() => {});
    await host.dispose().catch(() => {});
    process.exit(code); // the work folder goes in the 'exit' listener
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => void stop(0));
  // A stray rejected promise is a bug to log, not a reason to drop the person's open documents.
  process.on('unhandledRejection', (reason) => console.error('serve: unhandled rejection:', reason));
  process.on('uncaughtException', (error) => {
    console.error('serve: stopping after an unexpected error:', error);
    void stop(1);
  });
  void engine.start();
}

main().catch((error: Error) => {
  console.error(`serve: ${error.message}`);
  process.exit(1);
});
