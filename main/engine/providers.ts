/**
 * Which onnxruntime execution provider runs the graphs, and the session options that go with it.
 * 'auto' tries the platform's GPU provider (CUDA on Linux x64, DirectML on Windows, CoreML on Apple
 * silicon) and falls back to the CPU with a reason the user can read; a provider the user forces must
 * work, or it is an error. Whether a provider works is found by creating and running a session of a
 * tiny in-memory model (probe-model.ts), once per process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { ProviderError } from './errors.ts';
import { PROBE_DIMS, PROBE_INPUT, PROBE_OUTPUT, probeModelBytes } from './probe-model.ts';
import type { ProviderChoice, ProviderInfo } from './protocol.ts';

export type { ProviderInfo };
export type ProviderName = ProviderInfo['name'];

export interface ResolvedProvider extends ProviderInfo {
  /** Options for every session of a bundle on this provider. */
  sessionOptions: ort.InferenceSession.SessionOptions;
}

export interface PlatformId {
  platform: NodeJS.Platform;
  arch: string;
}

export const PROVIDER_LABELS: Record<ProviderName, string> = { cpu: 'CPU', cuda: 'CUDA', dml: 'DirectML', coreml: 'CoreML' };

export function sessionOptions(name: ProviderName): ort.InferenceSession.SessionOptions {
  return {
    // The CPU stays listed after a GPU provider so ops it lacks still run.
    executionProviders: name === 'cpu' ? ['cpu'] : [name, 'cpu'],
    intraOpNumThreads: os.availableParallelism(),
    graphOptimizationLevel: 'all',
  };
}

/** The GPU provider worth trying on a platform, or null where only the CPU is supported. */
export function gpuProviderFor(p: PlatformId): ProviderName | null {
  if (p.platform === 'linux' && p.arch === 'x64') return 'cuda';
  if (p.platform === 'win32') return 'dml';
  if (p.platform === 'darwin' && p.arch === 'arm64') return 'coreml';
  return null;
}

/** Whether this machine has an NVIDIA GPU with its driver loaded (Linux: the driver's /proc entry or a /dev/nvidiaN). */
export function hasNvidiaGpu(): boolean {
  try {
    return existsSync('/proc/driver/nvidia/version') || readdirSync('/dev').some((name) => /^nvidia\d+$/.test(name));
  } catch {
    return false;
  }
}

/**
 * Whether onnxruntime-node's CUDA libraries were installed beside its binding (its install script
 * downloads them on Linux x64; ONNXRUNTIME_NODE_INSTALL=skip leaves them out).
 */
export function hasCudaAddOn(): boolean {
  try {
    const bin = path.join(path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin');
    return readdirSync(bin).some((napi) => existsSync(path.join(bin, napi, process.platform, process.arch, 'libonnxruntime_providers_cuda.so')));
  } catch {
    return false;
  }
}

const probes = new Map<ProviderName, Promise<string | null>>();

/** null when `name` can create and run a session here; otherwise onnxruntime's error message. */
export function probeProvider(name: ProviderName): Promise<string | null> {
  let probe = probes.get(name);
  if (!probe) {
    probe = runProbe(name);
    probes.set(name, probe);
  }
  return probe;
}

async function runProbe(name: ProviderName): Promise<string | null> {
  let session: ort.InferenceSession | undefined;
  try {
    // Only `name`, without the CPU fallback, so a provider that cannot start is not hidden.
    session = await ort.InferenceSession.create(probeModelBytes(), { executionProviders: [name] });
    const x = new ort.Tensor('float32', Float32Array.from([1, 2, 3, 4]), [...PROBE_DIMS]);
    const y = (await session.run({ [PROBE_INPUT]: x }))[PROBE_OUTPUT].data as Float32Array;
    if (y[3] !== 8) return `the test model computed ${y[3]} instead of 8`;
    return null;
  } catch (e) {
    return (e instanceof Error ? e.message : String(e)).trim().replace(/\.+$/, '');
  } finally {
    await session?.release().catch(() => undefined);
  }
}

/**
 * Why a GPU provider that failed its probe cannot be used, in words, and what to do about it where
 * something can be done (onnxruntime's own message only says which shared library failed to load).
 */
export function gpuUnavailable(
  gpu: ProviderName,
  machine = { nvidiaGpu: hasNvidiaGpu(), cudaAddOn: hasCudaAddOn() },
): { cause: string; howTo?: string } {
  if (gpu !== 'cuda') return { cause: `${PROVIDER_LABELS[gpu]} could not be started here` };
  if (!machine.nvidiaGpu) return { cause: 'No NVIDIA GPU found' };
  if (!machine.cudaAddOn) {
    return {
      cause: "This machine has an NVIDIA GPU, but onnxruntime's CUDA add-on is not installed",
      howTo: 'To add it, run `npm rebuild onnxruntime-node` with internet access (without ONNXRUNTIME_NODE_INSTALL=skip), then restart the engine.',
    };
  }
  return { cause: "The NVIDIA GPU's driver or the CUDA libraries onnxruntime needs did not load" };
}

/** Resolves the user's choice to a working provider (see the file comment). */
export async function resolveProvider(
  choice: ProviderChoice,
  platform: PlatformId = { platform: process.platform, arch: process.arch },
): Promise<ResolvedProvider> {
  const resolved = (name: ProviderName, reason: string, detail?: string): ResolvedProvider => ({
    name,
    reason,
    ...(detail === undefined ? {} : { detail }),
    sessionOptions: sessionOptions(name),
  });
  if (choice === 'cpu') return resolved('cpu', 'CPU chosen in settings');
  if (choice !== 'auto') {
    const failure = await probeProvider(choice);
    if (failure !== null) {
      const { cause, howTo } = gpuUnavailable(choice);
      throw new ProviderError(
        `${PROVIDER_LABELS[choice]} was chosen in settings but cannot be used: ${cause} (${failure}).${howTo ? ` ${howTo}` : ''} Choose Automatic or CPU.`,
      );
    }
    return resolved(choice, `${PROVIDER_LABELS[choice]} chosen in settings`);
  }
  const gpu = gpuProviderFor(platform);
  if (gpu === null) return resolved('cpu', `onnxruntime has no GPU provider for ${platform.platform} ${platform.arch}, so the model runs on the CPU.`);
  const failure = await probeProvider(gpu);
  if (failure !== null) {
    const { cause, howTo } = gpuUnavailable(gpu);
    return resolved('cpu', `${cause}, so the model runs on the CPU.${howTo ? ` ${howTo}` : ''}`, `${PROVIDER_LABELS[gpu]}: ${failure}`);
  }
  return resolved(gpu, `${PROVIDER_LABELS[gpu]} found; using the GPU.`);
}
