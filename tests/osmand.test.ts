// The OsmAnd protocol as trackers really send it (server/domain/osmand.ts), and the checks
// every fix passes (server/domain/fix-check.ts).
import { describe, expect, it } from 'vitest';
import { osmandTime, parseOsmAndJson, parseOsmAndParams } from '../server/domain/osmand.ts';
import { checkFix } from '../server/domain/fix-check.ts';

const NOW = Date.UTC(2026, 10, 23, 2, 0, 0);
const query = (q: string) => Object.fromEntries(new URLSearchParams(q));

describe('OsmAnd requests', () => {
  it('reads Traccar Client (Android) query parameters: Unix seconds, speed in knots, battery in %', () => {
    const r = parseOsmAndParams(query('id=W320402001001001-1&timestamp=1795399200&lat=31.778812&lon=119.972345&speed=2.332613&bearing=87.5&altitude=12.0&accuracy=4.8&batt=87.0&charge=false'), NOW);
    expect(r).toEqual({
      ok: true, device: 'W320402001001001-1',
      fix: { t: 1795399200_000, lat: 31.778812, lon: 119.972345, speed: expect.closeTo(1.2, 5), bearing: 87.5, altitude: 12, accuracy: 4.8, battery: 87, valid: true, crs: 'wgs84' },
    });
  });

  it('reads other trackers: deviceid, location=lat,lon, hdop, heading, ISO and "yyyy-MM-dd HH:mm:ss" times, milliseconds', () => {
    const a = parseOsmAndParams(query('deviceid=T-88&location=31.7,119.9&hdop=1.2&heading=270&timestamp=2026-11-23T01:59:30Z'), NOW);
    expect(a).toMatchObject({ ok: true, device: 'T-88', fix: { lat: 31.7, lon: 119.9, accuracy: 1.2, bearing: 270, t: Date.UTC(2026, 10, 23, 1, 59, 30) } });
    expect(osmandTime('2026-11-23 01:59:30')).toBe(Date.UTC(2026, 10, 23, 1, 59, 30));
    expect(osmandTime('1795399200123')).toBe(1795399200123);
    expect(osmandTime('1795399200')).toBe(1795399200000);
    expect(osmandTime('yesterday')).toBeNaN();
    // No timestamp: the moment it arrived.
    expect(parseOsmAndParams(query('id=x&lat=31.7&lon=119.9'), NOW)).toMatchObject({ ok: true, fix: { t: NOW, speed: null, battery: null } });
  });

  it('reads valid=false as a tracker without a GPS fix', () => {
    const r = parseOsmAndParams(query('id=x&lat=31.7&lon=119.9&valid=false'), NOW);
    expect(r).toMatchObject({ ok: true, fix: { valid: false } });
    if (!r.ok) throw new Error('parsed');
    expect(checkFix('x', r.fix, { now: NOW, oldest: 0 })).toEqual({ problem: expect.stringMatching(/^valid:/) });
  });

  it('reads the JSON body of newer Traccar Clients (speed m/s, battery level 0–1, -1 for unknown)', () => {
    const body = {
      location: {
        timestamp: '2026-11-23T01:59:58.120Z', coords: { latitude: 31.778812, longitude: 119.972345, accuracy: 5, speed: 1.3, heading: -1, altitude: 14.2 },
        is_moving: true, odometer: 1234.5, event: 'motionchange', battery: { level: 0.62, is_charging: false }, activity: { type: 'walking' }, extras: {},
      },
      device_id: 'W320402001001001-1',
    };
    expect(parseOsmAndJson(body, NOW)).toEqual({
      ok: true, device: 'W320402001001001-1',
      fix: { t: Date.UTC(2026, 10, 23, 1, 59, 58, 120), lat: 31.778812, lon: 119.972345, speed: 1.3, bearing: null, altitude: 14.2, accuracy: 5, battery: 62, valid: true, crs: 'wgs84' },
    });
  });

  it('says what is missing or malformed', () => {
    expect(parseOsmAndParams(query('lat=31.7&lon=119.9'), NOW)).toEqual({ ok: false, message: expect.stringMatching(/^id:/) });
    expect(parseOsmAndParams(query('id=x&lat=31.7'), NOW)).toEqual({ ok: false, message: expect.stringMatching(/^lat:/) });
    expect(parseOsmAndJson({ device_id: 'x' }, NOW)).toEqual({ ok: false, message: expect.stringMatching(/^location:/) });
    expect(parseOsmAndJson([], NOW)).toEqual({ ok: false, message: expect.stringMatching(/^body:/) });
    const r = parseOsmAndParams(query('id=x&lat=abc&lon=119.9'), NOW);
    if (!r.ok) throw new Error('lat=abc is parsed as NaN and refused by the check');
    expect(checkFix('x', r.fix, { now: NOW, oldest: 0 })).toEqual({ problem: expect.stringMatching(/^lat:/) });
  });
});

describe('checking a fix', () => {
  const ok = { t: NOW - 1000, lon: 119.97, lat: 31.78 };
  const lim = { now: NOW, oldest: NOW - 86_400_000 };
  it('refuses what a phone cannot honestly report, naming the field', () => {
    const problem = (f: object) => (checkFix('d', { ...ok, ...f }, lim) as { problem?: string }).problem?.split(':')[0];
    expect(problem({ lat: 91 })).toBe('lat');
    expect(problem({ lon: -181 })).toBe('lon');
    expect(problem({ lat: 0, lon: 0 })).toBe('lat');
    expect(problem({ t: NOW + 6 * 60_000 })).toBe('t');
    expect(problem({ t: NOW - 2 * 86_400_000 })).toBe('t');
    expect(problem({ speed: -1 })).toBe('speed');
    expect(problem({ battery: 101 })).toBe('battery');
    expect(problem({ accuracy: Number.NaN })).toBe('accuracy');
    expect(problem({ t: NOW + 4 * 60_000 })).toBeUndefined(); // a phone's clock a little ahead
  });

  it('converts a GCJ-02 point to WGS-84 (~500 m in Changzhou)', () => {
    const r = checkFix('d', { ...ok, crs: 'gcj02' }, lim);
    if (!('fix' in r)) throw new Error(r.problem);
    const dx = (r.fix.lon - ok.lon) * 111_320 * Math.cos((31.78 * Math.PI) / 180), dy = (r.fix.lat - ok.lat) * 111_320;
    expect(Math.hypot(dx, dy)).toBeGreaterThan(300);
    expect(Math.hypot(dx, dy)).toBeLessThan(800);
    expect(checkFix('d', ok, lim)).toEqual({ fix: { device: 'd', t: ok.t, lon: ok.lon, lat: ok.lat, speed: null, bearing: null, altitude: null, accuracy: null, battery: null } });
  });
});
