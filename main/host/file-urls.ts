/**
 * The files the host lets the renderer load, each behind an unguessable URL. Electron's custom
 * protocol and the serve-mode HTTP server both resolve URLs here, so a page can only ever fetch
 * files the host registered (display images, candidate patches, previews, exports).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';

export interface ServedFile {
  path: string;
  mime: string;
  /** Set for exports offered as downloads (serve mode): sent as Content-Disposition: attachment. */
  downloadName?: string;
  /** Settles when the file is written (a display copy made after its document opened): serve it only then, and not if it rejects. */
  ready?: Promise<void>;
}

export class FileUrls {
  private readonly files = new Map<string, ServedFile>();

  /** prefix: 'app-image://files/' in Electron, '/files/' in serve mode. */
  constructor(private readonly prefix: string) {}

  register(file: ServedFile): string {
    const key = randomBytes(16).toString('hex');
    this.files.set(key, file);
    return this.prefix + key;
  }

  /** The file behind a URL's key (the part after the prefix), or undefined. */
  resolveKey(key: string): ServedFile | undefined {
    return /^[0-9a-f]{32}$/.test(key) ? this.files.get(key) : undefined;
  }

  resolveUrl(url: string): ServedFile | undefined {
    return url.startsWith(this.prefix) ? this.resolveKey(url.slice(this.prefix.length)) : undefined;
  }

  revoke(url: string): void {
    if (url.startsWith(this.prefix)) this.files.delete(url.slice(this.prefix.length));
  }

  /** Forgets every file inside dir (a closed document's folder). */
  revokeUnder(dir: string): void {
    const root = path.resolve(dir) + path.sep;
    for (const [key, file] of this.files) if (path.resolve(file.path).startsWith(root)) this.files.delete(key);
  }
}

export const MIME: Record<string, string> = {
  jpeg: 'image/jpeg',
  jpg: 'image/jpeg',
  png: 'image/png',
  webp: 'image/webp',
  glideproj: 'application/octet-stream',
};
