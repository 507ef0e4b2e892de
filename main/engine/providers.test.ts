/**
 * Execution-provider choice on this machine (Linux x64 without onnxruntime's CUDA add-on) and the
 * in-memory probe model.
 */
import assert from 'node:assert/strict';
import os from 'node:os';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { ProviderError } from './errors.ts';
import { PROBE_INPUT, PROBE_OUTPUT, probeModelBytes } from './probe-model.ts';
import { gpuProviderFor, gpuUnavailable, hasCudaAddOn, hasNvidiaGpu, resolveProvider, sessionOptions } from './providers.ts';

const cudaInstalled = hasCudaAddOn();
const linuxX64 = process.platform === 'linux' && process.arch === 'x64';

test('the probe model is a valid ONNX graph computing x + x', async () => {
  const session = await ort.InferenceSession.create(probeModelBytes());
  const { [PROBE_OUTPUT]: y } = await session.run({ [PROBE_INPUT]: new ort.Tensor('float32', Float32Array.from([1, 2, 3, -4]), [1, 4]) });
  assert.deepEqual([...(y.data as Float32Array)], [2, 4, 6, -8]);
  await session.release();
});

test('auto on Linux x64 without the CUDA add-on falls back to CPU, saying why in words and keeping onnxruntime\'s message apart', { skip: !linuxX64 || cudaInstalled }, async () => {
  const p = await resolveProvider('auto');
  assert.equal(p.name, 'cpu');
  if (hasNvidiaGpu()) assert.match(p.reason, /^This machine has an NVIDIA GPU, but onnxruntime's CUDA add-on is not installed, so the model runs on the CPU\. To add it, run `npm rebuild onnxruntime-node`/);
  else assert.equal(p.reason, 'No NVIDIA GPU found, so the model runs on the CPU.');
  assert.match(p.detail ?? '', /^CUDA: .+/);
  console.log(`  reason: ${p.reason}\n  detail: ${p.detail}`);
  assert.deepEqual(p.sessionOptions.executionProviders, ['cpu']);
});

test('forcing CUDA where it cannot load is an error, not a silent fallback', { skip: cudaInstalled }, async () => {
  await assert.rejects(resolveProvider('cuda'), (e: unknown) => {
    assert.ok(e instanceof ProviderError);
    assert.match(e.message, /^CUDA was chosen in settings but cannot be used: (No NVIDIA GPU found|This machine has an NVIDIA GPU, but onnxruntime's CUDA add-on is not installed) \(.+\)\..* Choose Automatic or CPU\.$/);
    console.log(`  error: ${e.message}`);
    return true;
  });
});

test('forcing CPU works, with the session options the engine uses', async () => {
  const p = await resolveProvider('cpu');
  assert.equal(p.name, 'cpu');
  assert.equal(p.reason, 'CPU chosen in settings');
  assert.equal(p.sessionOptions.intraOpNumThreads, os.availableParallelism());
  assert.equal(p.sessionOptions.graphOptimizationLevel, 'all');
  const session = await ort.InferenceSession.create(probeModelBytes(), p.sessionOptions);
  await session.release();
});

test('each platform tries its own GPU provider', async () => {
  assert.equal(gpuProviderFor({ platform: 'linux', arch: 'x64' }), 'cuda');
  assert.equal(gpuProviderFor({ platform: 'win32', arch: 'x64' }), 'dml');
  assert.equal(gpuProviderFor({ platform: 'darwin', arch: 'arm64' }), 'coreml');
  assert.equal(gpuProviderFor({ platform: 'darwin', arch: 'x64' }), null);
  assert.equal(gpuProviderFor({ platform: 'linux', arch: 'arm64' }), null);
  // Platforms whose provider this build lacks fall back the same way.
  const win = await resolveProvider('auto', { platform: 'win32', arch: 'x64' });
  if (process.platform !== 'win32') {
    assert.equal(win.reason, 'DirectML could not be started here, so the model runs on the CPU.');
    assert.match(win.detail ?? '', /^DirectML: .+/);
  }
  const other = await resolveProvider('auto', { platform: 'linux', arch: 'arm64' });
  assert.deepEqual([other.name, other.reason, other.detail], ['cpu', 'onnxruntime has no GPU provider for linux arm64, so the model runs on the CPU.', undefined]);
});

test('why CUDA is not used: no NVIDIA GPU, no CUDA add-on (and how to get it), or libraries that did not load', () => {
  assert.deepEqual(gpuUnavailable('cuda', { nvidiaGpu: false, cudaAddOn: false }), { cause: 'No NVIDIA GPU found' });
  const noAddOn = gpuUnavailable('cuda', { nvidiaGpu: true, cudaAddOn: false });
  assert.match(noAddOn.cause, /CUDA add-on is not installed/);
  assert.match(noAddOn.howTo ?? '', /npm rebuild onnxruntime-node.*restart the engine/);
  assert.deepEqual(gpuUnavailable('cuda', { nvidiaGpu: true, cudaAddOn: true }), { cause: "The NVIDIA GPU's driver or the CUDA libraries onnxruntime needs did not load" });
});

test('GPU providers keep the CPU as a fallback for ops they lack', () => {
  assert.deepEqual(sessionOptions('cuda').executionProviders, ['cuda', 'cpu']);
});
