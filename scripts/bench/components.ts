// City components (issue 10 §5: "served by bounding box and class, compactly"): the
// generation at start-up, then bbox queries — the whole city and a street's bbox, all
// classes and one class — answered by server/city/components.ts (kdbush) against a plain
// scan of the same typed arrays in the same run, and the bytes of the city-wide answer
// (binary, and gzipped as @fastify/compress sends it).
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { loadNet } from '../../server/net/load.ts';
import { createLocator } from '../../server/geo/locator.ts';
import { generateComponents } from '../../server/city/generate.ts';
import { componentRegistry } from '../../server/city/components.ts';

const net = loadNet();
const locator = createLocator(net);
const line = (o: object) => console.log(JSON.stringify({ bench: 'components', ...o }));

let t = performance.now();
const gen = generateComponents(net);
line({ figure: 'generate', components: gen.n, ms: Math.round(performance.now() - t) });

const reg = componentRegistry(net, locator);
t = performance.now();
const c = reg.data();
line({ figure: 'generate+index (first use)', ms: Math.round(performance.now() - t) });

const scan = (b: readonly number[] | null, mask: number) => {
  const out: number[] = [];
  for (let i = 0; i < c.n; i++) {
    if (b && (c.lon[i] < b[0] || c.lon[i] > b[2] || c.lat[i] < b[1] || c.lat[i] > b[3])) continue;
    if ((mask >> c.cls[i]) & 1) out.push(i);
  }
  return out;
};
const time = (f: () => unknown, reps: number) => {
  for (let i = 0; i < 3; i++) f();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) f();
  return (performance.now() - t0) / reps;
};
const streets = [...net.areas.values()].filter((a) => a.level === 'street');
const cases: [string, readonly [number, number, number, number] | null, number, number][] = [
  ['city, all classes', null, 0x7e, 20],
  ['city bbox, all classes', net.city.bbox, 0x7e, 20],
  ['city bbox, 道路交通', net.city.bbox, 1 << 2, 20],
  ['street bbox (mean of 67), all classes', null, 0x7e, 0],
];
for (const [name, bbox, mask, reps] of cases) {
  if (reps === 0) {
    const idx = streets.reduce((s, st) => s + time(() => reg.query(st.bbox, mask), 20), 0) / streets.length;
    const sc = streets.reduce((s, st) => s + time(() => scan(st.bbox, mask), 5), 0) / streets.length;
    const n = streets.reduce((s, st) => s + reg.query(st.bbox, mask).length, 0) / streets.length;
    line({ figure: 'bbox query', case: name, found: Math.round(n), indexMs: +idx.toFixed(3), scanMs: +sc.toFixed(3), ratio: +(sc / idx).toFixed(1) });
    continue;
  }
  const idx = time(() => reg.query(bbox, mask), reps), sc = time(() => scan(bbox, mask), reps);
  line({ figure: 'bbox query', case: name, found: reg.query(bbox, mask).length, indexMs: +idx.toFixed(3), scanMs: +sc.toFixed(3), ratio: +(sc / idx).toFixed(1) });
}
const ids = reg.query(null, 0x7e);
t = performance.now();
const body = reg.encode(ids);
const encodeMs = performance.now() - t;
line({ figure: 'city-wide answer', components: ids.length, bytes: body.byteLength, gzipBytes: gzipSync(body).byteLength, encodeMs: +encodeMs.toFixed(1), jsonObjectsBytesEstimate: JSON.stringify(ids.slice(0, 1000).map((i) => ({ code: c.codeAt(i), cls: c.cls[i], state: c.base[i], lon: c.lon[i], lat: c.lat[i] }))).length * (ids.length / 1000) });
