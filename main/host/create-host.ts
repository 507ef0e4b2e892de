/**
 * Builds the contract's handlers from their Electron-free parts. Electron's main process and the
 * serve-mode server both call this, injecting what differs: the URL prefix of served files, native
 * dialogs or downloads, the settings store, how events reach the windows, and the engine.
 */
import path from 'node:path';
import { HostError, type HostEvent, type SettingsPatch } from '../contract.ts';
import { AutosaveService } from './autosave-service.ts';
import { DocumentStore } from './document-store.ts';
import { EditRunner } from './edit-runner.ts';
import type { EngineSession } from './engine-session.ts';
import { exportImage } from './exporter.ts';
import type { FileUrls } from './file-urls.ts';
import { MAX_PIXELS } from './image-intake.ts';
import { ModelLibrary, type ModelLibraryDeps } from './model-install/model-library.ts';
import { ProjectService } from './project-service.ts';
import type { Handlers } from './register-handlers.ts';
import { SaveDestination, type ChooseSaveTarget } from './save-destination.ts';
import type { SettingsService } from './settings-service.ts';

export interface HostDeps {
  mode: 'electron' | 'serve';
  version: string;
  /** A private temporary folder for this launch (documents, candidates, downloads). */
  workDir: string;
  files: FileUrls;
  engine: EngineSession;
  settings: SettingsService;
  chooseSaveTarget: ChooseSaveTarget;
  /**
   * Whether the renderer may name files on disk (open-path: recent files in Electron). Serve mode
   * says false: a browser page only ever hands over bytes the person chose.
   */
  pathAccess?: boolean;
  /**
   * Which paths the renderer may name (Electron: the recent-files list; dialogs and drops never send
   * a path). Without it every path is allowed where pathAccess is not false (tests).
   */
  mayOpenPath?: (filePath: string, kind: 'image' | 'project') => boolean;
  /**
   * Which model folders a page may switch to through settings:set (serve: the command line's and the
   * installed bundles; Electron: the ones chosen in its dialog). The dialog's own choice always passes.
   */
  mayUseBundleDir?: (dir: string) => boolean;
  /** Native open dialogs (Electron); absent in serve mode, where the renderer uses a file input. */
  chooseOpenPath?: (kind: 'image' | 'project' | 'model' | 'checkpoint') => Promise<string | null>;
  emit: (e: HostEvent) => void;
  /** The Models panel: the app's models folder, the graph templates, the importer's worker. Absent: the panel says it is unavailable. */
  models?: Pick<ModelLibraryDeps, 'modelsDir' | 'templatesDir' | 'defaultBundleDir' | 'runImport' | 'baseUrl' | 'freeBytes'>;
  /** The app's data folder for autosaves (Electron: userData/autosave; serve: beside the settings file). */
  autosaveDir?: string;
}

export interface Host {
  handlers: Handlers;
  docs: DocumentStore;
  runner: EditRunner;
  models: ModelLibrary | null;
  /** Null where the shell gave no autosave folder. */
  autosave: AutosaveService | null;
  /** Removes every open document's files. */
  dispose(): Promise<void>;
}

/** How long after a document opens the engine is asked to decode its photo (the window shows it meanwhile). */
export const PREPARE_AFTER_OPEN_MS = 1000;

export function createHost(deps: HostDeps): Host {
  // The engine decodes each opened photo while the person paints, not when they click Run (a 24 MP
  // JPEG: ~0.3 s CPU), and only once the window has had time to show it, so the decode does not
  // compete with opening; a failure here is the run's to report.
  const docs = new DocumentStore(path.join(deps.workDir, 'documents'), deps.files, (doc) => {
    const timer = setTimeout(() => deps.engine.host.preparePhoto?.(doc.originalPath).catch(() => {}), PREPARE_AFTER_OPEN_MS);
    timer.unref?.();
  });
  const destination = new SaveDestination(deps.chooseSaveTarget, path.join(deps.workDir, 'downloads'), deps.files);
  const runner = new EditRunner({ docs, engine: deps.engine, files: deps.files, emit: deps.emit });
  const projects = new ProjectService({ docs, files: deps.files, destination });
  const autosave = deps.autosaveDir ? new AutosaveService({ dir: deps.autosaveDir, docs, files: deps.files }) : null;
  const needAutosave = () => {
    if (!autosave) throw new HostError('unsupported', 'Autosave is not available here.');
    return autosave;
  };
  const noDialogs = () =>
    new HostError('unsupported', 'Native dialogs are not available here; use the Open button or drop a file on the window.');

  const noPaths = () => new HostError('unsupported', 'Opening files by path is not available here; use the Open button or drop a file on the window.');

  const checkPath = (filePath: string, kind: 'image' | 'project') => {
    if (deps.pathAccess === false) throw noPaths();
    if (deps.mayOpenPath && !deps.mayOpenPath(filePath, kind)) {
      throw new HostError('forbidden', 'Only files chosen in an Open dialog or listed in Open Recent can be opened by path; use File › Open.');
    }
  };

  const setSettings = async (patch: SettingsPatch, fromDialog = false) => {
    const before = (await deps.settings.get()).engine;
    const dir = patch.engine?.bundleDir;
    if (!fromDialog && typeof dir === 'string' && dir !== before.bundleDir && deps.mayUseBundleDir && !deps.mayUseBundleDir(dir)) {
      throw new HostError('forbidden', 'That model folder is not one of the installed bundles; choose a model with Choose model… (or --bundle on the command line).');
    }
    const next = await deps.settings.set(patch);
    // A new model folder or execution provider takes effect now, not at the next launch.
    if (next.engine.bundleDir !== before.bundleDir || next.engine.provider !== before.provider) void deps.engine.load();
    return next;
  };

  const models = deps.models
    ? new ModelLibrary({
        ...deps.models,
        getSettings: () => deps.settings.get(),
        // The library switches only to folders it lists (its own, or chosen in a dialog): trusted like the dialog.
        setSettings: (patch) => setSettings(patch, true),
        chooseOpenPath: deps.chooseOpenPath,
        emit: (payload) => deps.emit({ event: 'models:install', payload }),
      })
    : null;
  const library = () => {
    if (!models) throw new HostError('unsupported', 'Model installation is not available in this build.');
    return models;
  };

  const handlers: Handlers = {
    'app:info': () => ({ mode: deps.mode, nativeDialogs: !!deps.chooseOpenPath, version: deps.version, maxPixels: MAX_PIXELS }),
    'image:open-bytes': async ({ name, bytes }) => (await docs.openBytes(name, bytes)).info,
    'image:open-path': async ({ path: p }) => {
      checkPath(p, 'image');
      return (await docs.openPath(p)).info;
    },
    'image:open-dialog': async () => {
      if (!deps.chooseOpenPath) throw noDialogs();
      const chosen = await deps.chooseOpenPath('image');
      return chosen ? (await docs.openPath(chosen)).info : null;
    },
    'document:close': async ({ docId }) => {
      await docs.close(docId);
      return null;
    },
    'edit:run': (input) => runner.run(input),
    'edit:cancel': ({ runId }) => {
      runner.cancel(runId);
      return null;
    },
    'candidate:accept': ({ docId, candidateId }) => runner.accept(docId, candidateId),
    'candidate:discard': async ({ docId, candidateIds }) => {
      await runner.discard(docId, candidateIds);
      return null;
    },
    'export:image': (input) => exportImage({ docs, engine: deps.engine, destination }, input),
    'project:save': ({ docId, state }) => projects.save(docId, state),
    'project:open-bytes': ({ name, bytes }) => projects.openBytes(name, bytes),
    'project:open-path': ({ path: p }) => {
      checkPath(p, 'project');
      return projects.openPath(p);
    },
    'project:open-dialog': async () => {
      if (!deps.chooseOpenPath) throw noDialogs();
      const chosen = await deps.chooseOpenPath('project');
      return chosen ? projects.openPath(chosen) : null;
    },
    'model:choose-dialog': async () => {
      if (!deps.chooseOpenPath) throw noDialogs();
      const manifest = await deps.chooseOpenPath('model');
      return manifest ? setSettings({ engine: { bundleDir: path.dirname(manifest) } }, true) : null;
    },
    'models:list': () => library().overview(),
    'models:use': ({ id }) => library().use(id),
    'models:remove': ({ id }) => library().remove(id),
    'models:official-offer': () => library().offer(),
    'models:get-official': ({ variant, fp16 }) => library().getOfficial(variant, fp16),
    'models:install-control': ({ action }) => library().control(action),
    'models:import-dialog': ({ fp16 }) => library().importDialog(fp16),
    'models:add-folder-dialog': () => library().addFolderDialog(),
    'settings:get': () => deps.settings.get(),
    'settings:set': (patch) => setSettings(patch),
    'engine:status': () => deps.engine.current(),
    'engine:restart': async () => {
      await deps.engine.restart();
      return deps.engine.current();
    },
    'autosave:write': (input) => needAutosave().write(input),
    'autosave:check': () => (autosave ? autosave.check() : null),
    'autosave:restore': () => needAutosave().restore(),
    'autosave:discard': async () => {
      await autosave?.discard();
      return null;
    },
  };
  return {
    handlers,
    docs,
    runner,
    models,
    autosave,
    dispose: async () => {
      await models?.pauseForExit(); // a download resumes at the next launch
      await docs.closeAll();
    },
  };
}
