/**
 * Turns whatever a request's work threw into the protocol's error event. The engine's typed errors
 * (errors.ts, compositing's ImageError) carry a protocol code and a message for the user, and keep
 * both; anything else is 'internal', with a message that still tells the user what to do.
 */
import type { EngineEvent } from '../protocol.ts';

type ErrorEvent = Extract<EngineEvent, { type: 'error' }>;
type ErrorCode = ErrorEvent['code'];

/** Every protocol code (the type makes this list complete). */
const CODES: Record<ErrorCode, true> = {
  'bad-request': true, 'bad-bundle': true, 'no-bundle': true, 'bad-image': true, 'empty-mask': true,
  'too-large': true, busy: true, 'model-failure': true, internal: true,
};

/** Duck-typed, so any module's typed error qualifies without this file importing it. */
function protocolCode(err: unknown): ErrorCode | undefined {
  const code = err instanceof Error ? (err as { code?: unknown }).code : undefined;
  return typeof code === 'string' && Object.hasOwn(CODES, code) ? (code as ErrorCode) : undefined;
}

export function errorEvent(id: string, err: unknown): ErrorEvent {
  const code = protocolCode(err);
  if (code) return { type: 'error', id, code, message: (err as Error).message };
  const detail = err instanceof Error ? err.message : String(err);
  return {
    type: 'error',
    id,
    code: 'internal',
    message: `The engine hit an unexpected error (${detail}). Try again; if it keeps happening, restart the app and report it with the log.`,
  };
}
