/** A model download or installation step that failed; the message says what happened and what to do. */
export class InstallError extends Error {
  /** A transfer worth trying again (a broken connection, HTTP 408/429/5xx). */
  readonly retryable: boolean;

  constructor(message: string, options?: { cause?: unknown; retryable?: boolean }) {
    super(message, options);
    this.name = 'InstallError';
    this.retryable = options?.retryable ?? false;
  }
}
