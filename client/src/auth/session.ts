// The session, in one place. The browser holds the tokens as HTTP-only cookies, so this
// module never sees them (a display's own token excepted); it only reacts to answers:
//
//   await startSession();            // GET /api/auth/me, else refresh, else the sign-in form
//   const res = await apiFetch(url); // a 401 refreshes once (one refresh for the whole page)
//                                    // and retries; if that fails the form goes up over the
//                                    // wall and the request carries on after the sign-in
//
// An unreachable server is not a reason to sign in again: renewal waits and retries.
import { CITY_CODE } from '../config.ts';
import { wallHandle } from '../map/testHandle.ts';
import { getState, setState } from '../store.ts';
import type { Account } from '../types.ts';

/** Where a display's token is kept for reloads of its tab (the address bar drops it). */
const DISPLAY_KEY = 'one-net.display';

let displayToken: string | null = null;
/** Bumped whenever new tokens arrive: a 401 to a request sent before needs no new refresh. */
let generation = 0;
let renewing: Promise<void> | null = null;
let waiting: (() => void)[] = [];
let resolveReady!: () => void;
const ready = new Promise<void>((r) => (resolveReady = r));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The wall's own area: the account's scope. */
export const wallArea = (): string => getState().account?.scope ?? CITY_CODE;

/** Resolves once someone is signed in (the first time). */
export const signedIn = (): Promise<void> => ready;

export class SignInError extends Error {
  constructor(
    readonly kind: 'wrong' | 'locked' | 'invalid' | 'unreachable' | 'server',
    /** For 'locked': seconds until the next try is allowed. */
    readonly retryAfterS = 0,
  ) {
    super(kind);
  }
}

function accepted(account: Account): void {
  generation++;
  const before = getState().account;
  if (before && (before.username !== account.username || before.kind !== account.kind || before.scope !== account.scope)) {
    // Someone else signed in over the wall: what it holds is not theirs to see. Start afresh.
    window.location.reload();
    return;
  }
  setState({ account, auth: 'signed-in', authNotice: null });
  wallHandle().account = account;
  resolveReady();
  const w = waiting;
  waiting = [];
  for (const go of w) go();
}

const postJson = (path: string, body: unknown): Promise<Response> =>
  fetch(path, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify(body),
  });

/** 'ok', 'denied' (sign in again) or 'unreachable' (try later). */
async function trySignIn(path: string, body: unknown): Promise<'ok' | 'denied' | 'unreachable'> {
  let res: Response;
  try {
    res = await postJson(path, body);
  } catch {
    return 'unreachable';
  }
  if (res.ok) {
    accepted(((await res.json()) as { account: Account }).account);
    return 'ok';
  }
  return res.status === 401 || res.status === 400 ? 'denied' : 'unreachable';
}

const refresh = () => trySignIn('/api/auth/refresh', {});
const signInDisplayToken = (token: string) => trySignIn('/api/auth/display', { token });

/** Puts the sign-in form up and resolves when someone has signed in through it. */
function askToSignIn(notice: string | null): Promise<void> {
  setState({ auth: 'signed-out', authNotice: notice });
  return new Promise((r) => waiting.push(r));
}

/** New tokens: refresh, else the display's token again, else the sign-in form. One at a time. */
export function renew(): Promise<void> {
  renewing ??= (async () => {
    try {
      for (let attempt = 0; ; attempt++) {
        const r = await refresh();
        if (r === 'ok') return;
        if (r === 'denied') break;
        await sleep(Math.min(30_000, 1000 * 2 ** attempt));
      }
      if (displayToken) {
        for (let attempt = 0; ; attempt++) {
          const r = await signInDisplayToken(displayToken);
          if (r === 'ok') return;
          if (r === 'denied') break;
          await sleep(Math.min(30_000, 1000 * 2 ** attempt));
        }
        forgetDisplay();
        return await askToSignIn('大屏链接已失效（令牌无效或已吊销），请使用账号登录');
      }
      await askToSignIn(getState().account ? '登录已过期，请重新登录（页面内容会保留）' : null);
    } finally {
      renewing = null;
    }
  })();
  return renewing;
}

/** fetch() for the API: after a 401, renew the session and send the request again. */
export async function apiFetch(path: string, init: RequestInit = {}): Promise<Response> {
  await ready;
  for (let attempt = 0; ; attempt++) {
    const sentAt = generation;
    const res = await fetch(path, { ...init, credentials: 'same-origin' });
    if (res.status !== 401 || attempt >= 2) return res;
    await res.body?.cancel();
    if (sentAt === generation) await renew();
  }
}

function forgetDisplay(): void {
  displayToken = null;
  try {
    sessionStorage.removeItem(DISPLAY_KEY);
  } catch {
    /* storage unavailable */
  }
}

/** `?display=TOKEN`: taken out of the address bar (so it is not left on screen or in
 * history) and kept for this tab, so a reload of an unattended wall still signs in. */
function takeDisplayToken(): string | null {
  const url = new URL(window.location.href);
  const given = url.searchParams.get('display');
  if (given) {
    url.searchParams.delete('display');
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    try {
      sessionStorage.setItem(DISPLAY_KEY, given);
    } catch {
      /* storage unavailable: this page load still works */
    }
    return given;
  }
  try {
    return sessionStorage.getItem(DISPLAY_KEY);
  } catch {
    return null;
  }
}

/** At start: a display signs in with its token; anyone else is asked who they are. */
export async function startSession(): Promise<void> {
  displayToken = takeDisplayToken();
  let notice: string | null = null;
  for (let attempt = 0; displayToken; attempt++) {
    const r = await signInDisplayToken(displayToken);
    if (r === 'ok') return;
    if (r === 'denied') {
      forgetDisplay();
      notice = '大屏链接无效或已被吊销，请使用账号登录';
      break;
    }
    await sleep(Math.min(30_000, 1000 * 2 ** attempt));
  }
  for (let attempt = 0; ; attempt++) {
    let res: Response | null = null;
    try {
      res = await fetch('/api/auth/me', { credentials: 'same-origin', headers: { accept: 'application/json' } });
    } catch {
      /* unreachable: try again */
    }
    if (res?.ok) return accepted((await res.json()) as Account);
    if (res?.status === 401) {
      const r = await refresh();
      if (r === 'ok') return;
      if (r === 'denied') return askToSignIn(notice);
    }
    await sleep(Math.min(30_000, 1000 * 2 ** attempt));
  }
}

/** POST /api/auth/login; throws SignInError. */
export async function signIn(username: string, password: string): Promise<void> {
  let res: Response;
  try {
    res = await postJson('/api/auth/login', { username, password });
  } catch {
    throw new SignInError('unreachable');
  }
  if (res.ok) {
    forgetDisplay(); // a person signed in on this tab: it is no longer that display
    return accepted(((await res.json()) as { account: Account }).account);
  }
  if (res.status === 401) throw new SignInError('wrong');
  if (res.status === 400) throw new SignInError('invalid');
  if (res.status === 429) throw new SignInError('locked', retryAfterSeconds(res, await res.text()));
  throw new SignInError('server');
}

function retryAfterSeconds(res: Response, body: string): number {
  const header = Number(res.headers.get('retry-after'));
  if (Number.isFinite(header) && header > 0) return Math.ceil(header);
  const inMessage = /(\d+)\s*s\b/.exec(body);
  return inMessage ? Number(inMessage[1]) : 60;
}

/** POST /api/auth/logout, then the page starts over at the sign-in form. */
export async function signOut(): Promise<void> {
  const logout = () => fetch('/api/auth/logout', { method: 'POST', credentials: 'same-origin' });
  try {
    // An expired access token cannot sign out, and the refresh cookie would sign the page
    // straight back in: refresh first, then end that session.
    if ((await logout()).status === 401 && (await refresh()) === 'ok') await logout();
  } catch {
    /* unreachable: the page is left anyway */
  }
  forgetDisplay();
  window.location.replace('/');
}
