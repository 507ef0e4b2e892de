/**
 * Downloads one large file over HTTP(S) into `<dest>.part`, resumable across pauses, broken transfers
 * and app restarts, and moves it to `dest` only once complete and verified.
 *
 * - Resume: the bytes in `<dest>.part` are kept and the rest asked for with `Range` (`If-Range` on the
 *   ETag recorded in `<dest>.part.json`, so a file changed on the server starts over). A server that
 *   ignores ranges (200) restarts the file from zero.
 * - Broken transfers are resumed up to `retries` times; HTTP errors other than 408/429/5xx fail at once.
 * - Integrity: the announced length, then the server's MD5 (Content-MD5 or Azure's x-ms-blob-content-md5)
 *   where it sends one; a mismatch removes the partial file.
 * - Pause: abort the signal with reason 'pause' (the partial file stays); any other abort is a cancel
 *   (the partial file is removed).
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { InstallError } from './install-error.ts';

export interface DownloadProgress {
  bytesDone: number;
  bytesTotal: number | null;
}

export interface DownloadOptions {
  url: string;
  dest: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  retries?: number;
  /** Wait before a retry, ms (tests make it short). */
  retryDelayMs?: number;
}

export const PAUSE = 'pause';

interface PartInfo {
  url: string;
  etag: string | null;
  total: number | null;
  md5: string | null;
}

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

export function partFile(dest: string): string {
  return `${dest}.part`;
}

async function size(file: string): Promise<number> {
  return stat(file).then(
    (s) => s.size,
    () => 0,
  );
}

async function readPartInfo(dest: string, url: string): Promise<PartInfo | null> {
  try {
    const info = JSON.parse(await readFile(`${partFile(dest)}.json`, 'utf8')) as PartInfo;
    return info.url === url ? info : null;
  } catch {
    return null;
  }
}

async function md5Base64(file: string): Promise<string> {
  const hash = createHash('md5');
  await pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), hash);
  return hash.digest('base64');
}

/** Removes the partial download of `dest` (cancel). */
export async function removePartial(dest: string): Promise<void> {
  await rm(partFile(dest), { force: true });
  await rm(`${partFile(dest)}.json`, { force: true });
}

/** Bytes of `dest` already downloaded (0 when nothing is there). */
export async function partialBytes(dest: string): Promise<number> {
  return size(partFile(dest));
}

/** What the server says about `url` (length, MD5) without downloading it. */
export async function probe(url: string, signal?: AbortSignal): Promise<{ bytes: number | null; md5: string | null }> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'HEAD', signal, redirect: 'follow' });
  } catch (e) {
    if (signal?.aborted) throw e;
    throw new InstallError(`Cannot reach ${new URL(url).host}: ${(e as Error).message}. Check the internet connection and try again.`, { cause: e });
  }
  if (!res.ok) throw new InstallError(`${url} answered HTTP ${res.status} ${res.statusText}. The file may have moved; try again later.`);
  const length = res.headers.get('content-length');
  return { bytes: length === null ? null : Number(length), md5: res.headers.get('content-md5') ?? res.headers.get('x-ms-blob-content-md5') };
}

async function transfer(opts: DownloadOptions, info: PartInfo): Promise<'complete' | 'short'> {
  const part = partFile(opts.dest);
  const have = await size(part);
  const headers: Record<string, string> = {};
  if (have > 0) {
    headers.Range = `bytes=${have}-`;
    if (info.etag) headers['If-Range'] = info.etag;
  }
  const res = await fetch(opts.url, { headers, signal: opts.signal, redirect: 'follow' });
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    const what = res.status === 404 ? ' The file is not there (it may have moved); nothing was kept.' : '';
    throw new InstallError(`${opts.url} answered HTTP ${res.status} ${res.statusText}.${what}`, { retryable: RETRYABLE.has(res.status) });
  }
  let start = 0;
  if (res.status === 206) {
    const m = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(res.headers.get('content-range') ?? '');
    if (!m || Number(m[1]) !== have) {
      await res.body?.cancel().catch(() => {});
      throw new InstallError(`${opts.url}: the server resumed at the wrong place; the download starts over.`);
    }
    start = have;
    if (m[2] !== '*') info.total = Number(m[2]);
  } else {
    // A full answer: the server ignores ranges, or the file changed since the partial download.
    const length = res.headers.get('content-length');
    info.total = length === null ? null : Number(length);
  }
  info.etag = res.headers.get('etag') ?? info.etag;
  info.md5 = res.headers.get('content-md5') ?? res.headers.get('x-ms-blob-content-md5') ?? info.md5;
  await writeFile(`${part}.json`, JSON.stringify(info));

  const fh = await open(part, start === 0 ? 'w' : 'a');
  let done = start;
  try {
    if (!res.body) throw new InstallError(`${opts.url} sent no data.`);
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      await fh.write(chunk);
      done += chunk.length;
      opts.onProgress?.({ bytesDone: done, bytesTotal: info.total });
    }
  } finally {
    await fh.close();
  }
  return info.total !== null && done < info.total ? 'short' : 'complete';
}

/** Downloads `url` to `dest` (see the file comment); resolves once `dest` is complete and verified. */
export async function downloadFile(opts: DownloadOptions): Promise<void> {
  const retries = opts.retries ?? 5;
  const part = partFile(opts.dest);
  let info = await readPartInfo(opts.dest, opts.url);
  if (!info) {
    await rm(part, { force: true }); // bytes without a record of their URL are no use
    info = { url: opts.url, etag: null, total: null, md5: null };
  }
  let attempt = 0;
  for (;;) {
    try {
      if ((await transfer(opts, info)) === 'complete') break;
      attempt++; // the server closed early: resume
      if (attempt > retries) throw new InstallError(`${opts.url}: the transfer kept breaking off (${await size(part)} of ${info.total} bytes). Try again later; what has arrived is kept.`);
    } catch (e) {
      if (opts.signal?.aborted) {
        if (opts.signal.reason !== PAUSE) await removePartial(opts.dest);
        throw e;
      }
      const retryable = e instanceof InstallError ? e.retryable : true; // others: the connection broke
      attempt++;
      if (!retryable) throw e;
      if (attempt > retries) {
        throw new InstallError(
          `${opts.url}: the transfer kept breaking off (${await size(part)} of ${info.total ?? '?'} bytes; last: ${(e as Error).message}). Try again later; what has arrived is kept.`,
          { cause: e },
        );
      }
    }
    await new Promise((r) => setTimeout(r, Math.min((opts.retryDelayMs ?? 500) * 2 ** attempt, 10_000)));
  }
  const got = await size(part);
  if (info.total !== null && got !== info.total) {
    await removePartial(opts.dest);
    throw new InstallError(`${opts.url}: got ${got} bytes, the server announced ${info.total}; the partial file was removed. Try again.`);
  }
  if (info.md5) {
    const md5 = await md5Base64(part);
    if (md5 !== info.md5) {
      await removePartial(opts.dest);
      throw new InstallError(`${opts.url}: the file arrived damaged (its MD5 differs from the server's); it was removed. Try again.`);
    }
  }
  await rename(part, opts.dest);
  await rm(`${part}.json`, { force: true });
}
