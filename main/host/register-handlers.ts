/**
 * The one trusted registration point for the contract's requests. Every transport (Electron's
 * ipcMain, the serve-mode WebSocket, tests) goes through `createDispatcher`, which checks the sender,
 * parses the input with the contract and turns any failure into an envelope with a user-facing
 * message. Handlers therefore only ever see parsed input from our own page.
 */
import { CHANNELS, requests, type Channel, type Envelope, type ParsedInput, type Response } from '../contract.ts';
import { toHostError } from './host-errors.ts';

export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Response<C>> | Response<C> };

/** Answers one request from a sender; never throws. */
export type Dispatch<S> = (channel: string, sender: S, rawInput: unknown) => Promise<Envelope>;

export interface DispatcherOptions<S> {
  /** Electron: the frame URL is our app's; serve: the socket passed the Origin and token checks. */
  isTrustedSender: (sender: S) => boolean;
  /** Where unexpected failures are logged (they are also answered, with a generic message). */
  log?: (message: string, error: unknown) => void;
}

export function createDispatcher<S>(handlers: Handlers, options: DispatcherOptions<S>): Dispatch<S> {
  const log = options.log ?? ((m, e) => console.error(m, e));
  return async (channel, sender, rawInput) => {
    if (typeof channel !== 'string') return fail('bad-request', 'The request names no channel.');
    if (!isChannel(channel)) return fail('bad-request', `Unknown request "${channel.slice(0, 64)}".`);
    let trusted = false;
    try {
      trusted = options.isTrustedSender(sender);
    } catch {
      trusted = false;
    }
    if (!trusted) return fail('forbidden', 'This request did not come from the editor window.');
    // Every input is a plain object; bytes or arrays there would only produce a list of their keys.
    if (!isPlainObject(rawInput)) return fail('bad-request', `The request "${channel}" was malformed (input: expected an object).`);
    const parsed = requests[channel].input.safeParse(rawInput);
    if (!parsed.success) return fail('bad-request', `The request "${channel}" was malformed (${describeIssue(parsed.error.issues[0])}).`);
    try {
      const handler = handlers[channel] as (input: unknown) => unknown;
      return { ok: true, value: (await handler(parsed.data)) ?? null };
    } catch (error) {
      const hostError = toHostError(error);
      if (hostError.code === 'internal') log(`request ${channel} failed`, error);
      return fail(hostError.code, hostError.message);
    }
  };
}

/** The shape of ipcMain (and of any transport with per-channel handlers). */
export interface ChannelTransport<S> {
  handle(channel: Channel, listener: (sender: S, rawInput: unknown) => Promise<Envelope>): void;
}

/**
 * Registers every channel of the contract on a per-channel transport. Electron's shell uses it as
 * `registerHandlers({ handle: (c, l) => ipcMain.handle(c, (e, input) => l(e, input)) }, handlers,
 * { isTrustedSender: (e) => isAppUrl(e.senderFrame?.url) })`.
 */
export function registerHandlers<S>(transport: ChannelTransport<S>, handlers: Handlers, options: DispatcherOptions<S>): Dispatch<S> {
  const dispatch = createDispatcher(handlers, options);
  for (const channel of CHANNELS) transport.handle(channel, (sender, input) => dispatch(channel, sender, input));
  return dispatch;
}

function isChannel(channel: string): channel is Channel {
  return typeof channel === 'string' && Object.hasOwn(requests, channel);
}

function isPlainObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** One issue in a line: where and what, never the input's own keys or values at length. */
function describeIssue(issue: { path: PropertyKey[]; message: string; code?: string; keys?: string[] } | undefined): string {
  if (!issue) return 'input: invalid';
  const where = issue.path.map(String).join('.').slice(0, 80) || 'input';
  const what =
    issue.code === 'unrecognized_keys' && issue.keys
      ? `unexpected field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.slice(0, 3).map((k) => JSON.stringify(k.slice(0, 32))).join(', ')}${issue.keys.length > 3 ? ` and ${issue.keys.length - 3} more` : ''}`
      : / received undefined$/.test(issue.message)
        ? 'missing'
        : issue.message.slice(0, 120);
  return `${where}: ${what}`;
}

function fail(code: Extract<Envelope, { ok: false }>['error']['code'], message: string): Envelope {
  return { ok: false, error: { code, message } };
}
