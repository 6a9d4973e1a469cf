// Client events, one gate. Every byte of an event is the client's, the ack included:
// `42["join",{},"x"]` hands the string "x" where a callback was expected. So no handler
// is put on a socket directly; `serveEvents` puts them there, and for each event it
//   - takes the ack off the arguments (only Socket.IO's own ack is a function; anything
//     else the client sent is an argument like the others, to be checked),
//   - checks the arguments with the event's `parse`, which returns what `run` needs or
//     throws a `Refusal`,
//   - answers the ack exactly once, whatever happens: `run`'s reply, `{ ok: false,
//     message }` for a refusal, `{ ok: false, message: 'internal error' }` for anything
//     thrown or rejected (logged) — which never reaches the process,
//   - and answers an unknown event that carries an ack: `{ ok: false, message: 'unknown event …' }`.
//
//   serveEvents(socket, { join: event({ parse: (args) => area, run: (socket, area) => ({ ok: true, area }) }) }, log);
import type { Socket } from 'socket.io';

export type Reply = { ok: true; [k: string]: unknown } | { ok: false; message: string };

/** A bad request: its message goes back to the client. */
export class Refusal extends Error {}

export interface EventSpec<T> {
  /** The client's arguments, the ack already taken off: what `run` needs, or throw a Refusal. */
  parse(args: unknown[]): T;
  run(socket: Socket, input: T): Reply | Promise<Reply>;
}

/** Types `parse` and `run` together, then forgets the input type so specs fit in one table. */
export const event = <T>(spec: EventSpec<T>) => spec as EventSpec<unknown>;

export interface LiveLog {
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

type Ack = (reply: Reply) => void;

export function serveEvents(socket: Socket, specs: Record<string, EventSpec<unknown>>, log: LiveLog): void {
  // A Map, so that `toString` or `__proto__` from a client names no handler.
  const table = new Map(Object.entries(specs));
  for (const [name, spec] of table) {
    socket.on(name, (...args: unknown[]) => void handle(socket, name, spec, args, log));
  }
  socket.onAny((name: unknown, ...args: unknown[]) => {
    if (typeof name === 'string' && table.has(name)) return;
    answer(takeAck(args), { ok: false, message: `unknown event ${String(name).slice(0, 40)}` }, log);
  });
}

async function handle(socket: Socket, name: string, spec: EventSpec<unknown>, args: unknown[], log: LiveLog): Promise<void> {
  const ack = takeAck(args);
  let reply: Reply;
  try {
    reply = await spec.run(socket, spec.parse(args));
  } catch (e) {
    if (e instanceof Refusal) {
      reply = { ok: false, message: e.message };
    } else {
      log.error({ err: e, event: name, socket: socket.id }, 'live: event handler failed');
      reply = { ok: false, message: 'internal error' };
    }
  }
  answer(ack, reply, log);
}

/** Socket.IO appends its ack function last when the client asked for one; nothing else can be a function. */
function takeAck(args: unknown[]): Ack | undefined {
  return typeof args.at(-1) === 'function' ? (args.pop() as Ack) : undefined;
}

function answer(ack: Ack | undefined, reply: Reply, log: LiveLog): void {
  try {
    ack?.(reply);
  } catch (e) {
    log.error({ err: e }, 'live: ack failed'); // e.g. a reply that does not encode
  }
}

/** The one argument of an event that takes `{…}`: a plain object with only the named fields. */
export function oneObject<K extends string>(args: unknown[], event: string, keys: readonly K[]): Partial<Record<K, unknown>> {
  const usage = `${event} takes one argument {${keys.join(', ')}}`;
  const [o] = args;
  if (args.length !== 1 || typeof o !== 'object' || o === null || Object.getPrototypeOf(o) !== Object.prototype) throw new Refusal(usage);
  const extra = Object.keys(o).find((k) => !(keys as readonly string[]).includes(k));
  if (extra !== undefined) throw new Refusal(`${usage}: ${JSON.stringify(extra.slice(0, 40))} is not allowed`);
  return o as Partial<Record<K, unknown>>;
}
