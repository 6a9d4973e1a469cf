// The simulator's HTTP client: it calls the API like any other client, as the account whose
// job the step is (a bearer token from POST /api/auth/login, refreshed before it runs out),
// or with the integration's API key. Sign-ins are paced (the server allows 30 a minute per
// address, and people sign in from the same machine in a demo). It keeps a small log: counts
// by status and by "role action status", and the last problems.
import type { SimAccounts } from './accounts.ts';

/** Acting with the integration's API key instead of an account. */
export const KEY = '@key';
/** Who a grid phone is in calls: its device id, sent with its token (x-device-id). */
export const deviceWho = (id: string): string => `device:${id}`;

export interface Reply {
  status: number;
  // The API's JSON, as the simulator reads it.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
  /** From a 429's retry-after. */
  retryAfterMs: number | null;
}

/** A sign-in was refused for now (429): try again after `ms`. */
export class RetryLater extends Error {
  constructor(readonly ms: number) {
    super(`retry in ${ms} ms`);
  }
}

export interface SimLog {
  requests: number;
  byStatus: Record<string, number>;
  /** "role action status", e.g. "handler accept 200", "worker report 201", "- signin 200". */
  bySteps: Record<string, number>;
  /** The last problems (every answer but 2xx and 409), newest last, at most 50. */
  problems: string[];
  peakInFlight: number;
}

export interface SimClientOptions {
  baseUrl: string;
  accounts: SimAccounts;
  apiKey?: string;
  /** The server's clock (its `now`), and the real ms until it shows instant `at`. */
  now: () => number;
  realMsUntil: (at: number) => number;
  signInsPerMinute: number;
}

export interface SimClient {
  /** One request as `who` (a username, or KEY); `label` names the step in the log. */
  call(who: string, method: 'GET' | 'POST', path: string, body: unknown, label: string): Promise<Reply>;
  /** Real ms before `who` may act (waiting for a sign-in allowance); 0: now. */
  waitFor(who: string): number;
  log: SimLog;
  /** The role of a username (for the log). */
  roleOf(who: string): string;
  /** A grid phone's device token: `call(deviceWho(id), …)` then acts as that phone. */
  addDevice(id: string, token: string): void;
  stop(): void;
}

interface Session {
  token: string;
  refreshToken: string;
  /** Real ms (performance.now) after which it is renewed before use. */
  renewAt: number;
}

const real = () => performance.now();

export function createSimClient(o: SimClientOptions): SimClient {
  const sessions = new Map<string, Session>();
  const signingIn = new Map<string, Promise<string>>();
  const devices = new Map<string, { id: string; token: string }>();
  const signIns: number[] = []; // real instants of recent sign-ins
  const abort = new AbortController();
  const roles = new Map<string, string>([[o.accounts.dispatcher, 'dispatcher'], [KEY, 'integration']]);
  for (const u of Object.values(o.accounts.handlers)) roles.set(u, 'handler');
  for (const u of Object.values(o.accounts.workers)) roles.set(u, 'worker');
  const log: SimLog = { requests: 0, byStatus: {}, bySteps: {}, problems: [], peakInFlight: 0 };
  let inFlight = 0;

  function record(who: string, label: string, status: number, method: string, path: string, body: unknown) {
    log.requests++;
    log.byStatus[status] = (log.byStatus[status] ?? 0) + 1;
    const key = `${roleOf(who)} ${label} ${status}`;
    log.bySteps[key] = (log.bySteps[key] ?? 0) + 1;
    if ((status < 200 || status > 299) && status !== 409) {
      const msg = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : '';
      log.problems.push(`${who} ${method} ${path} ${label} → ${status} ${msg}`.slice(0, 300));
      if (log.problems.length > 50) log.problems.shift();
    }
  }
  const roleOf = (who: string) => roles.get(who) ?? (devices.has(who) ? 'phone' : '-');

  async function raw(method: string, path: string, headers: Record<string, string>, body: unknown): Promise<Reply> {
    const form = body instanceof FormData;
    inFlight++;
    log.peakInFlight = Math.max(log.peakInFlight, inFlight);
    try {
      const res = await fetch(o.baseUrl + path, {
        method,
        headers: { ...(body !== undefined && !form ? { 'content-type': 'application/json' } : {}), ...headers },
        body: body === undefined ? undefined : form ? body : JSON.stringify(body),
        signal: AbortSignal.any([abort.signal, AbortSignal.timeout(30_000)]),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        /* not JSON: keep the text */
      }
      const ra = res.headers.get('retry-after');
      return { status: res.status, body: parsed, retryAfterMs: ra ? Math.max(1, Number(ra)) * 1000 : null };
    } finally {
      inFlight--;
    }
  }

  /** Keeps a session's tokens; renewed at 80 % of the shorter of the access token's life
   * (real time: a JWT's own expiry) and the session's (the server's clock). */
  function keep(who: string, b: { token: string; refreshToken: string; expiresAt: string; refreshExpiresAt: string }, serverNow: number) {
    const accessMs = Date.parse(b.expiresAt) - serverNow;
    const sessionMs = o.realMsUntil(Date.parse(b.refreshExpiresAt));
    sessions.set(who, { token: b.token, refreshToken: b.refreshToken, renewAt: real() + 0.8 * Math.max(1000, Math.min(accessMs, sessionMs)) });
    return b.token;
  }

  async function signIn(who: string): Promise<string> {
    const old = sessions.get(who);
    if (old) {
      const t = o.now();
      const r = await raw('POST', '/api/auth/refresh', {}, { refreshToken: old.refreshToken });
      record(who, 'refresh', r.status, 'POST', '/api/auth/refresh', r.body);
      if (r.status === 200) return keep(who, r.body, t);
      sessions.delete(who);
    }
    const t0 = real();
    while (signIns.length && signIns[0] < t0 - 60_000) signIns.shift();
    signIns.push(t0);
    const t = o.now();
    const r = await raw('POST', '/api/auth/login', {}, { username: who, password: o.accounts.password });
    record(who, 'signin', r.status, 'POST', '/api/auth/login', r.body);
    if (r.status === 429) throw new RetryLater(r.retryAfterMs ?? 60_000);
    if (r.status !== 200) throw new Error(`sim: sign-in of ${who}: ${r.status}`);
    return keep(who, r.body, t);
  }

  function token(who: string): Promise<string> {
    const s = sessions.get(who);
    if (s && real() < s.renewAt) return Promise.resolve(s.token);
    let p = signingIn.get(who);
    if (!p) {
      p = signIn(who).finally(() => signingIn.delete(who));
      signingIn.set(who, p);
    }
    return p;
  }

  return {
    log,
    roleOf,
    addDevice(id, token) {
      devices.set(deviceWho(id), { id, token });
    },
    waitFor(who) {
      if (who === KEY || devices.has(who) || sessions.has(who) || signingIn.has(who)) return 0;
      const t = real();
      while (signIns.length && signIns[0] < t - 60_000) signIns.shift();
      return signIns.length < o.signInsPerMinute ? 0 : signIns[0] + 60_000 - t + 10;
    },
    async call(who, method, path, body, label) {
      for (let attempt = 0; ; attempt++) {
        const device = devices.get(who);
        const headers: Record<string, string> = who === KEY ? { 'x-api-key': o.apiKey ?? '' }
          : device ? { 'x-device-id': device.id, authorization: `Bearer ${device.token}` }
            : { authorization: `Bearer ${await token(who)}` };
        const r = await raw(method, path, headers, body);
        record(who, label, r.status, method, path, r.body);
        // A session ended elsewhere (an admin signed it out, a restart of the store): sign in again, once.
        if (r.status === 401 && who !== KEY && !device && attempt === 0) {
          sessions.delete(who);
          continue;
        }
        return r;
      }
    },
    stop() {
      abort.abort();
    },
  };
}
