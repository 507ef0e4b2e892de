/**
 * The engine's typed failures. Each carries the protocol's error code so the engine process can
 * report it without guessing, and a message written for the user (what happened, what to do).
 * The parent's EngineHost rejects with the same EngineError when the engine answers with an error event.
 */
import type { EngineErrorCode } from './protocol.ts';

export type { EngineErrorCode };

export class EngineError extends Error {
  constructor(readonly code: EngineErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The model bundle is missing, damaged or does not fit the engine. */
export class BundleError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-bundle', message, options);
  }
}

/** A forced execution provider could not be used on this machine. */
export class ProviderError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('bad-request', message, options);
  }
}

/** A graph failed while running or produced unusable numbers. */
export class ModelFailureError extends EngineError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('model-failure', message, options);
  }
}

/** The caller aborted the run; not a failure (the protocol answers with a 'cancelled' event). */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}
