/**
 * Delivers the host's events (progress, engine status, menu commands) to the editor windows. Only
 * web contents showing our app origin receive them, so a window that somehow left the app (it
 * cannot: navigation is denied) would hear nothing.
 */
import type { HostEvent } from '../contract.ts';
import { isAppUrl } from './app-origin.ts';
import { HOST_EVENT_CHANNEL } from '../../wire/ipc-channels.ts';

export interface EventTarget {
  isDestroyed(): boolean;
  getURL(): string;
  send(channel: string, ...args: unknown[]): void;
}

export function sendHostEvent(target: EventTarget, e: HostEvent): boolean {
  if (target.isDestroyed() || !isAppUrl(target.getURL())) return false;
  target.send(HOST_EVENT_CHANNEL, e.event, e.payload);
  return true;
}

export function broadcastHostEvent(targets: Iterable<EventTarget>, e: HostEvent): number {
  let sent = 0;
  for (const target of targets) if (sendHostEvent(target, e)) sent++;
  return sent;
}
