/**
 * Where the shell finds its parts. The build (scripts/build-electron.mjs, and vite for the
 * renderer) writes everything under dist/ in the app folder, which electron-builder packs into
 * app.asar; model bundles ship beside it as extra resources (resources/models/...).
 */
import path from 'node:path';

export interface AppPaths {
  /** vite's output for the renderer: index.html and assets/. */
  rendererDir: string;
  /** The bundled preload (CommonJS: sandboxed preloads cannot be ES modules). */
  preload: string;
  /** The bundled engine entry run as a utilityProcess. */
  engineEntry: string;
  /** The bundled checkpoint importer run on a worker thread (Models panel). */
  importWorker: string;
  /** models/official-templates: the official graphs without weights. */
  templatesDir: string;
  /**
   * The folder holding models/default (and, in a development checkout, .work/tiny): what
   * main/host/bundle-choice.ts calls the repository root.
   */
  bundleRoot: string;
}

/**
 * appRoot: app.getAppPath() (the repository in development, app.asar when packaged);
 * resourcesPath: process.resourcesPath.
 */
export function appPaths(appRoot: string, resourcesPath: string, packaged: boolean): AppPaths {
  const dist = path.join(appRoot, 'dist');
  return {
    rendererDir: path.join(dist, 'renderer'),
    preload: path.join(dist, 'preload', 'preload.cjs'),
    engineEntry: path.join(dist, 'engine', 'engine-main.mjs'),
    importWorker: path.join(dist, 'engine', 'import-worker.mjs'),
    templatesDir: path.join(packaged ? resourcesPath : appRoot, 'models', 'official-templates'),
    bundleRoot: packaged ? resourcesPath : appRoot,
  };
}
