/** A host wired to the fake engine in a temporary folder, as serve mode wires the real one. */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import type { HostEvent } from '../../contract.ts';
import { createHost, type Host, type HostDeps } from '../create-host.ts';
import { EngineSession } from '../engine-session.ts';
import { FileUrls } from '../file-urls.ts';
import type { ChooseSaveTarget } from '../save-destination.ts';
import { memorySettingsStore, SettingsService } from '../settings-service.ts';
import { FakeEngineHost } from './fake-engine-host.ts';

export interface HostFixture {
  host: Host;
  engineHost: FakeEngineHost;
  session: EngineSession;
  files: FileUrls;
  events: HostEvent[];
  workDir: string;
  close(): Promise<void>;
}

export async function hostFixture(
  options: {
    chooseSaveTarget?: ChooseSaveTarget;
    startEngine?: boolean;
    pathAccess?: boolean;
    chooseOpenPath?: HostDeps['chooseOpenPath'];
    mayOpenPath?: HostDeps['mayOpenPath'];
    mayUseBundleDir?: HostDeps['mayUseBundleDir'];
    autosaveDir?: string;
  } = {},
): Promise<HostFixture> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'host-test-'));
  const files = new FileUrls('/files/');
  const events: HostEvent[] = [];
  const emit = (e: HostEvent) => events.push(e);
  const engineHost = new FakeEngineHost();
  const session = new EngineSession(engineHost, () => ({ dir: '/bundles/fake', provider: 'cpu' }), (payload) => emit({ event: 'engine:status', payload }));
  if (options.startEngine !== false) await session.start();
  const host = createHost({
    mode: 'serve',
    version: 'test',
    workDir,
    files,
    engine: session,
    settings: new SettingsService(memorySettingsStore()),
    chooseSaveTarget: options.chooseSaveTarget ?? (async () => 'download'),
    pathAccess: options.pathAccess,
    chooseOpenPath: options.chooseOpenPath,
    mayOpenPath: options.mayOpenPath,
    mayUseBundleDir: options.mayUseBundleDir,
    autosaveDir: options.autosaveDir ?? path.join(workDir, 'autosave'),
    emit,
  });
  return {
    host,
    engineHost,
    session,
    files,
    events,
    workDir,
    async close() {
      await host.dispose();
      await rm(workDir, { recursive: true, force: true });
    },
  };
}

/** A PNG photo of the given size with a horizontal gradient (so patches are visible). */
export async function photoPng(width: number, height: number): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([(x * 255) / width, (y * 255) / height, 128], (y * width + x) * 3);
  return sharp(data, { raw: { width, height, channels: 3 } }).png().toBuffer();
}

/** A full-resolution mask PNG with a white rectangle. */
export async function maskPng(width: number, height: number, box?: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
  const data = Buffer.alloc(width * height);
  if (box) for (let y = box.y; y < box.y + box.height; y++) data.fill(255, y * width + box.x, y * width + box.x + box.width);
  return sharp(data, { raw: { width, height, channels: 1 } }).png().toBuffer();
}
