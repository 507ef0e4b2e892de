/**
 * The host's open and save choices as native dialogs, attached to the editor window. The dialog
 * module and the window are injected; the options are built by plain functions so they are tested
 * without Electron. The last folder used is remembered for the launch, so Export lands beside the
 * photo that was opened.
 */
import path from 'node:path';
import type { ChooseSaveTarget, SaveKind } from '../host/save-destination.ts';
import { PROJECT_EXTENSION } from '../host/project-service.ts';

export interface OpenDialogOptionsLike {
  title: string;
  defaultPath?: string;
  properties: Array<'openFile'>;
  filters: { name: string; extensions: string[] }[];
}
export interface SaveDialogOptionsLike {
  title: string;
  defaultPath: string;
  filters: { name: string; extensions: string[] }[];
  properties: Array<'createDirectory' | 'showOverwriteConfirmation'>;
}

/** The members of Electron's dialog used here (window-modal forms). */
export interface DialogLike<W> {
  showOpenDialog(window: W, options: OpenDialogOptionsLike): Promise<{ canceled: boolean; filePaths: string[] }>;
  showSaveDialog(window: W, options: SaveDialogOptionsLike): Promise<{ canceled: boolean; filePath?: string }>;
}

const IMAGE_EXTENSIONS = ['jpg', 'jpeg', 'png', 'webp'];

export function openDialogOptions(kind: SaveKind | 'model' | 'checkpoint', defaultDir: string | undefined): OpenDialogOptionsLike {
  if (kind === 'checkpoint') {
    return {
      title: 'Import Checkpoint Files (choose base_inpaint.pt; upsample_inpaint.pt beside it is used too)',
      defaultPath: defaultDir,
      properties: ['openFile'],
      filters: [{ name: 'PyTorch checkpoint', extensions: ['pt'] }],
    };
  }
  if (kind === 'model') {
    return { title: 'Choose a Model Bundle (its bundle.json)', defaultPath: defaultDir, properties: ['openFile'], filters: [{ name: 'Model bundle', extensions: ['json'] }] };
  }
  return kind === 'image'
    ? { title: 'Open Photo', defaultPath: defaultDir, properties: ['openFile'], filters: [{ name: 'Photos (JPEG, PNG, WebP)', extensions: IMAGE_EXTENSIONS }] }
    : { title: 'Open Project', defaultPath: defaultDir, properties: ['openFile'], filters: [{ name: 'Inpainting projects', extensions: [PROJECT_EXTENSION] }] };
}

export function saveDialogOptions(kind: SaveKind, suggestedName: string, defaultDir: string): SaveDialogOptionsLike {
  const ext = path.extname(suggestedName).slice(1).toLowerCase();
  const filter = kind === 'project' ? { name: 'Inpainting project', extensions: [PROJECT_EXTENSION] } : { name: `${ext.toUpperCase()} image`, extensions: ext === 'jpeg' ? ['jpg', 'jpeg'] : [ext] };
  return {
    title: kind === 'project' ? 'Save Project' : 'Export Image',
    defaultPath: path.join(defaultDir, suggestedName),
    filters: [filter],
    properties: ['createDirectory', 'showOverwriteConfirmation'],
  };
}

/** The chosen path with the suggested file's extension (the format is already decided). */
export function withExtensionOf(chosen: string, suggestedName: string): string {
  const want = path.extname(suggestedName).toLowerCase();
  const have = path.extname(chosen).toLowerCase();
  if (have === want || (want === '.jpg' && have === '.jpeg') || (want === '.jpeg' && have === '.jpg')) return chosen;
  return chosen + want;
}

export class NativeDialogs<W> {
  private lastDir: string | undefined;

  constructor(
    private readonly dialog: DialogLike<W>,
    private readonly window: () => W | null,
    private readonly fallbackDir: string,
  ) {}

  readonly chooseOpenPath = async (kind: SaveKind | 'model' | 'checkpoint'): Promise<string | null> => {
    const win = this.window();
    if (!win) return null;
    const result = await this.dialog.showOpenDialog(win, openDialogOptions(kind, this.lastDir));
    const chosen = result.canceled ? undefined : result.filePaths[0];
    if (!chosen) return null;
    this.lastDir = path.dirname(chosen);
    return chosen;
  };

  readonly chooseSaveTarget: ChooseSaveTarget = async ({ kind, suggestedName }) => {
    const win = this.window();
    if (!win) return null;
    const result = await this.dialog.showSaveDialog(win, saveDialogOptions(kind, suggestedName, this.lastDir ?? this.fallbackDir));
    if (result.canceled || !result.filePath) return null;
    const chosen = withExtensionOf(result.filePath, suggestedName);
    this.lastDir = path.dirname(chosen);
    return { path: chosen };
  };

  /** Files opened other ways (Open Recent) also set the folder dialogs start in. */
  rememberFolderOf(filePath: string): void {
    this.lastDir = path.dirname(filePath);
  }
}
