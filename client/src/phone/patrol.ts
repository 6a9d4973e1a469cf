// 巡查: while the worker is on patrol, the phone's position from the browser's geolocation
// (watchPosition, high accuracy) becomes fixes in the outbox. Not every reading is kept: one
// every 5 s, or sooner after 20 m of movement, as the simulated phones send; readings worse
// than 200 m (a phone indoors on cell towers) are shown but not kept. A phone standing
// still may go quiet: every 30 s without a reading it is asked once, so the wall does not
// mark the worker offline (5 minutes without a fix). On/off survives a reload.
//
//   watchHere();              // the position for reports, even off patrol
//   startPatrol(); stopPatrol();
import { addFix, kick } from './outbox.ts';
import { getPhone, setPhone, type Here } from './state.ts';
import type { WireFix } from './api.ts';

const KEEP_EVERY_MS = 5000;
const KEEP_AFTER_M = 20;
const MIN_GAP_MS = 1000;
const WORST_ACCURACY_M = 200;
const QUIET_MS = 30_000;
const FRESH_MS = 30_000;
const STORE_KEY = 'one-net.phone.patrol';

let watchId: number | null = null;
let lastKept: WireFix | null = null;
let quietTimer: ReturnType<typeof setInterval> | undefined;
let owner = '';
let battery: { level: number } | null = null;

/** Metres between two points (haversine; plenty for 20 m steps). */
export function metres(a: { lon: number; lat: number }, b: { lon: number; lat: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6_371_008 * Math.asin(Math.sqrt(h));
}

const PROBLEM: Record<number, string> = {
  1: '未获得定位权限：请在浏览器设置中允许本页使用位置',
  2: '暂时无法定位（无卫星信号），请到开阔处',
  3: '定位超时，正在重试',
};

/** The instant of a reading. The position's own timestamp when it is a fresh reading on the
 * page's clock; otherwise (a cached reading, a browser whose timestamps run on another
 * clock) the moment the page received it. */
function instant(p: GeolocationPosition): number {
  const now = Date.now();
  const age = now - p.timestamp;
  return age >= 0 && age < 60_000 ? Math.round(p.timestamp) : now;
}

/** The last reading, whole: a patrol starts from it when it is fresh. */
let lastReading: GeolocationPosition | null = null;

function onPosition(p: GeolocationPosition): void {
  const c = p.coords;
  const here: Here = { lon: c.longitude, lat: c.latitude, accuracy: Number.isFinite(c.accuracy) ? c.accuracy : null, t: instant(p) };
  lastReading = p;
  setPhone({ here, gpsProblem: null });
  keep(p, here);
}

function keep(p: GeolocationPosition, here: Here): void {
  const c = p.coords;
  if (!getPhone().patrol.on) return;
  if (here.accuracy !== null && here.accuracy > WORST_ACCURACY_M) return;
  const gap = lastKept ? here.t - lastKept.t : Infinity;
  if (gap < MIN_GAP_MS) return;
  if (gap < KEEP_EVERY_MS && lastKept && metres(lastKept, here) < KEEP_AFTER_M) return;
  // Geolocation gives WGS-84 (W3C Geolocation API): declared as such, converted by nobody.
  const fix: WireFix = { t: here.t, lon: round(here.lon, 7), lat: round(here.lat, 7), crs: 'wgs84' };
  if (here.accuracy !== null) fix.accuracy = round(here.accuracy, 1);
  if (c.speed !== null && Number.isFinite(c.speed)) fix.speed = round(c.speed, 2);
  if (c.heading !== null && Number.isFinite(c.heading) && c.speed) fix.bearing = round(c.heading % 360, 1);
  if (c.altitude !== null && Number.isFinite(c.altitude)) fix.altitude = round(c.altitude, 1);
  if (battery) fix.battery = Math.round(battery.level * 100);
  const first = lastKept === null;
  lastKept = fix;
  void addFix(fix).then(() => {
    // The first fix of a patrol goes at once: the wall shows the worker out from that moment.
    if (first) kick();
  });
}

function onError(e: GeolocationPositionError): void {
  setPhone({ gpsProblem: PROBLEM[e.code] ?? '无法定位' });
}

const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;

/** Follows the phone's position (for reports, and fixes while on patrol). */
export function watchHere(username: string): () => void {
  owner = username;
  if (!('geolocation' in navigator)) {
    setPhone({ gpsProblem: '本设备不支持定位' });
    return () => {};
  }
  const nav = navigator as Navigator & { getBattery?: () => Promise<{ level: number }> };
  void nav.getBattery?.().then((b) => (battery = b)).catch(() => {});
  watchId = navigator.geolocation.watchPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 30_000 });
  quietTimer = setInterval(() => {
    if (!getPhone().patrol.on) return;
    const last = lastKept?.t ?? 0;
    if (Date.now() - last >= QUIET_MS) navigator.geolocation.getCurrentPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 20_000 });
  }, QUIET_MS / 3);
  const saved = readSaved();
  if (saved) setPhone({ patrol: { on: true, since: saved.since } });
  return () => {
    if (watchId !== null) navigator.geolocation.clearWatch(watchId);
    clearInterval(quietTimer);
    watchId = null;
  };
}

/** Asks for a reading now (the report form's 重新定位). */
export function locateNow(): void {
  navigator.geolocation?.getCurrentPosition(onPosition, onError, { enableHighAccuracy: true, maximumAge: 0, timeout: 20_000 });
}

export function startPatrol(): void {
  const since = Date.now();
  lastKept = null;
  setPhone({ patrol: { on: true, since } });
  save({ owner, since });
  // The track starts from the reading in hand when it is fresh (a phone standing still may
  // not give another soon), and a new one is asked for; the watch brings the rest.
  const here = getPhone().here;
  if (lastReading && here && Date.now() - here.t < FRESH_MS) keep(lastReading, here);
  locateNow();
}

export function stopPatrol(): void {
  setPhone({ patrol: { on: false, since: null } });
  lastKept = null;
  save(null);
  kick(); // what the patrol left in the outbox goes now
}

function readSaved(): { owner: string; since: number } | null {
  try {
    const v = JSON.parse(localStorage.getItem(STORE_KEY) ?? 'null') as { owner: string; since: number } | null;
    return v && v.owner === owner ? v : null;
  } catch {
    return null;
  }
}

function save(v: { owner: string; since: number } | null): void {
  try {
    if (v) localStorage.setItem(STORE_KEY, JSON.stringify(v));
    else localStorage.removeItem(STORE_KEY);
  } catch {
    /* private mode: patrol still runs, only not across a reload */
  }
}
