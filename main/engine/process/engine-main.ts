/**
 * The engine process's entry: connects to the parent (Electron utilityProcess or Node IPC), says
 * 'started', and hands every message to the dispatcher. Nothing here imports Electron.
 */
import os from 'node:os';
import sharp from 'sharp';
import { Dispatcher } from './dispatcher.ts';
import { errorEvent } from './error-events.ts';
import { connectToParent } from './parent-port.ts';
import { RealEngineWork } from './real-engine-work.ts';

const parent = connectToParent();
if (!parent) {
  console.error('engine-main: no parent to talk to. Start the engine through EngineHost (an IPC channel or an Electron utilityProcess).');
  process.exit(2);
}

// sharp gives libvips one thread per image where glibc's allocator is in use (its guard against
// fragmentation); the engine's libvips work on an edit's path (enlarging the model's output to a 24 MP
// crop, the feather's blur) then waits on one core while the others idle: 878 -> 609-651 ms wall on
// 2 cores for the bench stroke's enlargement, same bytes.
sharp.concurrency(os.availableParallelism());

const work = new RealEngineWork();
const dispatcher = new Dispatcher(work, (e) => parent.send(e), () => process.exit(0));

// A stray async error must not take the engine down: report it and keep serving.
process.on('uncaughtException', (err) => parent.send(errorEvent('', err)));
process.on('unhandledRejection', (err) => parent.send(errorEvent('', err)));
// Orphaned (the parent died without stopping us): nobody will ever send another request.
parent.onDisconnect(() => process.exit(0));

parent.onMessage((msg) => dispatcher.handle(msg));
parent.send({ type: 'started', pid: process.pid });
