/** A checkpoint that cannot be imported: unreadable, unsafe, or not the expected model. The message says which and why. */
export class CheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
  }
}
