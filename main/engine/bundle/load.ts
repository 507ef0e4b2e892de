/**
 * Opens a model bundle: reads and validates bundle.json, verifies every listed file (presence, size,
 * SHA-256), creates the onnxruntime sessions once on the chosen provider, and checks each graph's
 * inputs and outputs against what the engine feeds. Every failure is a BundleError whose message
 * names the file or field and says what to do.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import type { z } from 'zod';
import { BundleError } from '../errors.ts';
import { type ProviderInfo, type ResolvedProvider, resolveProvider } from '../providers.ts';
import type { ProviderChoice } from '../protocol.ts';
import { type ChecksumCache, sharedChecksums } from './checksum.ts';
import { checkGraphIo, denoiserSpec, textEncoderSpec } from './graph-io.ts';
import { type Bundle, BundleSchema, type Stage, type StageName } from './schema.ts';

export const MANIFEST_FILE = 'bundle.json';

/** One stage's sessions, created once per bundle and reused for every edit. */
export interface StageGraphs {
  name: StageName;
  stage: Stage;
  textEncoder: ort.InferenceSession;
  denoiser: ort.InferenceSession;
}

export interface LoadedBundle {
  /** Absolute path of the bundle folder. */
  dir: string;
  manifest: Bundle;
  /** SHA-256 of bundle.json, which lists every file's hash: identifies the bundle in recipes. */
  manifestSha256: string;
  provider: ProviderInfo;
  stages: { base: StageGraphs; upsampler?: StageGraphs };
  /** Frees the sessions (the bundle is unusable afterwards). */
  release(): Promise<void>;
}

export interface LoadBundleOptions {
  /** A choice to resolve, or an already resolved provider; default 'auto'. */
  provider?: ProviderChoice | ResolvedProvider;
  checksums?: ChecksumCache;
}

/** Dotted path of a zod issue, with odd keys (file names) bracketed: files["a.onnx"].sha256. */
function fieldPath(p: readonly PropertyKey[]): string {
  let out = '';
  for (const k of p) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (typeof k === 'string' && /^[A-Za-z_$][\w$]*$/.test(k)) out += out ? `.${k}` : k;
    else out += `[${JSON.stringify(String(k))}]`;
  }
  return out || '(top level)';
}

function schemaMessage(error: z.ZodError, raw: unknown): string {
  const version = (raw as { formatVersion?: unknown } | null)?.formatVersion;
  if (typeof version === 'number' && version > 1) {
    return `${MANIFEST_FILE} is format version ${version}, newer than this app understands (1). Update the app to use this bundle.`;
  }
  const issues = error.issues.slice(0, 3).map((i) => `field "${fieldPath(i.path)}": ${i.message}`);
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return `${MANIFEST_FILE} is not a valid model bundle manifest: ${issues.join('; ')}${more}.`;
}

/** Reads and validates bundle.json. */
export async function readManifest(dir: string): Promise<{ manifest: Bundle; sha256: string }> {
  const file = path.join(dir, MANIFEST_FILE);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new BundleError(`${dir} is not a model bundle: it has no ${MANIFEST_FILE}.`, { cause: e });
    throw new BundleError(`Cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (e) {
    throw new BundleError(`${MANIFEST_FILE} is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  const parsed = BundleSchema.safeParse(raw);
  if (!parsed.success) throw new BundleError(schemaMessage(parsed.error, raw), { cause: parsed.error });
  return { manifest: parsed.data, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Checks that every file bundle.json lists is present, complete and unchanged. */
export async function verifyFiles(dir: string, manifest: Bundle, checksums: ChecksumCache = sharedChecksums): Promise<void> {
  const fix = 'Download or export the bundle again.';
  for (const [name, expected] of Object.entries(manifest.files)) {
    const file = path.join(dir, name);
    let size: number;
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new BundleError(`${name} in ${dir} is not a regular file. ${fix}`);
      size = s.size;
    } catch (e) {
      if (e instanceof BundleError) throw e;
      throw new BundleError(`${MANIFEST_FILE} lists ${name}, but it is missing from ${dir}. ${fix}`, { cause: e });
    }
    if (size !== expected.bytes) {
      throw new BundleError(`${name} is ${size} bytes but ${MANIFEST_FILE} says ${expected.bytes}: the file is incomplete or was replaced. ${fix}`);
    }
    const digest = await checksums.sha256(file);
    if (digest !== expected.sha256) {
      throw new BundleError(
        `${name} is damaged: its SHA-256 (${digest.slice(0, 12)}…) differs from the one in ${MANIFEST_FILE} (${expected.sha256.slice(0, 12)}…). ${fix}`,
      );
    }
  }
}

async function createSession(dir: string, file: string, options: ort.InferenceSession.SessionOptions): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path.join(dir, file), options);
  } catch (e) {
    const reason = (e as Error).message.trim().replace(/\.+$/, '');
    throw new BundleError(`onnxruntime could not load ${file}: ${reason}. The file is not a usable ONNX graph; download or export the bundle again.`, { cause: e });
  }
}

async function releaseAll(sessions: ort.InferenceSession[]): Promise<void> {
  await Promise.all(sessions.map((s) => s.release().catch(() => undefined)));
}

/** Opens the bundle in `dir` (see the file comment). */
export async function loadBundle(dir: string, options: LoadBundleOptions = {}): Promise<LoadedBundle> {
  const abs = path.resolve(dir);
  const { manifest, sha256 } = await readManifest(abs);
  await verifyFiles(abs, manifest, options.checksums ?? sharedChecksums);
  const provider = typeof options.provider === 'object' ? options.provider : await resolveProvider(options.provider ?? 'auto');

  const created: ort.InferenceSession[] = [];
  const open = async (file: string) => {
    const session = await createSession(abs, file, provider.sessionOptions);
    created.push(session);
    return session;
  };
  const openStage = async (name: StageName, stage: Stage): Promise<StageGraphs> => {
    const textEncoder = await open(stage.graphs.textEncoder);
    checkGraphIo(stage.graphs.textEncoder, name, textEncoder, textEncoderSpec(name, stage));
    const denoiser = await open(stage.graphs.denoiser);
    checkGraphIo(stage.graphs.denoiser, name, denoiser, denoiserSpec(name, stage));
    return { name, stage, textEncoder, denoiser };
  };
  try {
    const base = await openStage('base', manifest.stages.base);
    const up = manifest.stages.upsampler;
    const upsampler = up ? await openStage('upsampler', up) : undefined;
    return {
      dir: abs,
      manifest,
      manifestSha256: sha256,
      provider: { name: provider.name, reason: provider.reason, detail: provider.detail },
      stages: upsampler ? { base, upsampler } : { base },
      release: () => releaseAll(created),
    };
  } catch (e) {
    await releaseAll(created);
    throw e;
  }
}
