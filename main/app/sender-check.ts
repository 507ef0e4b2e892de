/**
 * Whether an IPC message comes from our own page: the sending frame must be a top-level frame whose
 * URL is on the app origin. Subframes, other origins, destroyed frames and missing frames are all
 * refused. This is the `isTrustedSender` given to the host's one registration point.
 */
import { isAppUrl } from './app-origin.ts';

/** The part of Electron's IpcMainInvokeEvent the check reads. */
export interface IpcSenderLike {
  senderFrame: { url: string; parent: unknown } | null;
}

export function isTrustedSender(event: IpcSenderLike): boolean {
  const frame = event.senderFrame;
  if (!frame) return false; // navigated away or destroyed before the message was handled
  if (frame.parent) return false; // our page never embeds frames; a subframe is not us
  return isAppUrl(frame.url);
}
