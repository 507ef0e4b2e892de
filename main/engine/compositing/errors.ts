/**
 * The one error type compositing throws on purpose. Its code is one of the engine's protocol error
 * codes, so the engine forwards it as an `error` event unchanged; its message is for the user (what
 * is wrong and what to do), never a stack trace.
 */
import type { EngineEvent } from '../protocol.ts';

type ProtocolErrorCode = Extract<EngineEvent, { type: 'error' }>['code'];
export type ImageErrorCode = Extract<
  ProtocolErrorCode,
  'bad-image' | 'empty-mask' | 'too-large' | 'bad-request' | 'model-failure'
>;

export class ImageError extends Error {
  override readonly name = 'ImageError';
  constructor(readonly code: ImageErrorCode, message: string) {
    super(message);
  }
}

export function isImageError(e: unknown): e is ImageError {
  return e instanceof ImageError;
}

/** First line of a libvips/sharp message: the part that names the problem. */
export function decoderReason(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'unknown decoder error';
}

/**
 * Runs a decode and turns whatever sharp throws into a typed error: 'too-large' for its pixel limit,
 * 'bad-image' (naming the file and the decoder's reason) for anything else.
 */
export async function decoding<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (isImageError(e)) throw e;
    const reason = decoderReason(e);
    if (/exceeds pixel limit/i.test(reason)) {
      const subject = what.charAt(0).toUpperCase() + what.slice(1);
      throw new ImageError('too-large', `${subject} has more pixels than the limit allows (${reason}).`);
    }
    const advice = /missing|no such file/i.test(reason) ? 'Check that the file still exists.' : 'The file may be damaged or not an image.';
    throw new ImageError('bad-image', `Cannot read ${what}: ${reason.replace(/\.$/, '')}. ${advice}`);
  }
}
