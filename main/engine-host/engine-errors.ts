/**
 * What EngineHost's promises reject with besides the engine's own EngineError (main/engine/errors.ts,
 * for an 'error' event: its code and a message written for the user): the host's own outcomes.
 */

/** The engine process ended (crash, kill, native fault) before it answered. */
export class EngineCrashedError extends Error {
  override readonly name = 'EngineCrashedError';
  constructor(message: string, readonly exit?: { code: number | null; signal: string | null }) {
    super(message);
  }
}

/** The edit was cancelled (by cancel(id)) before it produced a result. */
export class EditCancelledError extends Error {
  override readonly name = 'EditCancelledError';
  readonly code = 'cancelled';
  constructor(readonly id: string) {
    super('The edit was cancelled.');
  }
}

/** stop() was called (or the host was stopped) before the engine answered. */
export class EngineStoppedError extends Error {
  override readonly name = 'EngineStoppedError';
  constructor() {
    super('The engine was stopped before it answered.');
  }
}
