/**
 * Turns whatever a handler threw into a HostError with a message for the person. The engine host's
 * errors are recognised by name and shape (EngineError carries the engine's code and message), so
 * this file does not depend on the engine host's module.
 */
import { HostError, HostErrorCode } from '../contract.ts';

const ENGINE_CODES: Record<string, HostErrorCode> = {
  'bad-request': 'bad-request',
  'bad-bundle': 'engine-unavailable',
  'no-bundle': 'engine-unavailable',
  'bad-image': 'bad-image',
  'empty-mask': 'empty-mask',
  'too-large': 'too-large',
  busy: 'busy',
  'model-failure': 'model-failure',
  internal: 'internal',
};

export function toHostError(error: unknown): HostError {
  if (error instanceof HostError) return error;
  const e = error as { name?: string; code?: unknown; message?: unknown } | null;
  const message = typeof e?.message === 'string' ? e.message : String(error);
  switch (e?.name) {
    case 'EngineError':
      return new HostError(ENGINE_CODES[String(e.code)] ?? 'internal', message);
    case 'EngineCrashedError':
      return new HostError(
        'engine-crashed',
        'The engine stopped while working on this. It is being restarted; your image, mask and history are kept — run again once it is ready.',
      );
    case 'EditCancelledError':
      return new HostError('cancelled', 'The run was cancelled.');
    case 'EngineStoppedError':
      return new HostError('engine-unavailable', 'The engine was stopped before it answered. Restart it from the status bar and try again.');
  }
  const parsedCode = HostErrorCode.safeParse(e?.code);
  if (e?.name === 'HostError' && parsedCode.success) return new HostError(parsedCode.data, message);
  return new HostError('internal', `Something went wrong: ${message}. Try again; if it keeps happening, restart the app.`);
}
