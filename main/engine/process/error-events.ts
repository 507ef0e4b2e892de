/**
 * Turns whatever a request's work threw into the protocol's error event: the engine's typed errors
 * (errors.ts) keep their code and message; anything else is 'internal', with a message that still
 * tells the user what to do.
 */
import { EngineError } from '../errors.ts';
import type { EngineEvent } from '../protocol.ts';

type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;

export function errorEvent(id: string, err: unknown): ErrorEvent {
  if (err instanceof EngineError) return { type: 'error', id, code: err.code, message: err.message };
  const detail = err instanceof Error ? err.message : String(err);
  return {
    type: 'error',
    id,
    code: 'internal',
    message: `The engine hit an unexpected error (${detail}). Try again; if it keeps happening, restart the app and report it with the log.`,
  };
}
