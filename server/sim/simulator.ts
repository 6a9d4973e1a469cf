// The city simulator's reports: tickets through the public HTTP API, like any client.
// Where: grids drawn in proportion to their households (dedicated grids count as a
// unit of 150 households' worth of activity), a uniform point inside the grid.
// When: a Poisson process at `ratePerMinute` (real minutes, whatever SIM_SPEED). What: the
// category and channel mix of sim/reports.ts. Everything it sends is synthetic and
// reproducible from `seed`. Alone it posts with its API key; in the city simulation
// (server/sim/city.ts) it hands each report to `submit`, which posts it as the reporter
// whose channel it is and has the loop worked on it.
import { booleanPointInPolygon } from '@turf/turf';
import type { Grid, Net } from '../net/types.ts';
import type { TicketInput } from '../domain/ticket.ts';
import { mulberry32, weightedPicker } from './random.ts';
import { CATEGORY_MIX, DESCRIPTIONS, SOURCE_MIX } from './reports.ts';

export interface SimulatorOptions {
  baseUrl: string;
  /** The simulator's own API key (an integration at city scope): it is a client like any other. */
  apiKey?: string;
  net: Net;
  ratePerMinute: number;
  seed?: number;
  onError?: (err: unknown) => void;
  /** Takes each report instead of sending it with the API key (the city simulation). */
  submit?: (report: Drawn) => void;
}

/** One report drawn: what is sent, the grid it falls in, and its number in the sequence. */
export interface Drawn {
  input: TicketInput;
  gridCode: string;
  ordinal: number;
}

export interface Simulator {
  /** Builds one report (without sending it). */
  next(): TicketInput;
  /** The same, with its grid and number. */
  draw(): Drawn;
  /** Sends one report; resolves with the HTTP status. */
  send(): Promise<number>;
  stop(): void;
  /** Reports sent and accepted, or handed to `submit`. */
  sent(): number;
}

export function createSimulator(o: SimulatorOptions): Simulator {
  const rand = mulberry32(o.seed ?? 20261123);
  const grids = o.net.features.grid.features;
  const weights = grids.map((f) => {
    const g = o.net.areas.get(f.properties.code) as Grid;
    return g.type === 'dedicated' ? Math.max(g.households, 150) : Math.max(g.households, 20);
  });
  const pickGrid = weightedPicker(weights, rand);
  const pickCategory = weightedPicker(CATEGORY_MIX.map((c) => c[1]), rand);
  const pickSource = weightedPicker(SOURCE_MIX.map((s) => s[1]), rand);
  let timer: NodeJS.Timeout | undefined;
  let count = 0;
  let ordinal = 0;
  let stopped = false;

  function pointIn(i: number): [number, number] {
    const f = grids[i];
    const g = o.net.areas.get(f.properties.code)!;
    const [w, s, e, n] = g.bbox;
    for (let k = 0; k < 50; k++) {
      const p: [number, number] = [w + rand() * (e - w), s + rand() * (n - s)];
      if (booleanPointInPolygon(p, f)) return [round6(p[0]), round6(p[1])];
    }
    return g.label;
  }

  function draw(): Drawn {
    const i = pickGrid();
    const [lon, lat] = pointIn(i);
    const category = CATEGORY_MIX[pickCategory()][0];
    const texts = DESCRIPTIONS[category];
    const input: TicketInput = { lon, lat, category, source: SOURCE_MIX[pickSource()][0], description: texts[Math.floor(rand() * texts.length)] };
    return { input, gridCode: grids[i].properties.code, ordinal: ordinal++ };
  }
  const next = () => draw().input;

  async function send(): Promise<number> {
    const res = await fetch(`${o.baseUrl}/api/tickets`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(o.apiKey ? { 'x-api-key': o.apiKey } : {}) },
      body: JSON.stringify(next()),
    });
    await res.arrayBuffer();
    if (res.ok) count++;
    return res.status;
  }

  function schedule() {
    if (stopped || o.ratePerMinute <= 0) return;
    const waitMs = (-Math.log(1 - rand()) * 60_000) / o.ratePerMinute;
    timer = setTimeout(() => {
      if (o.submit) {
        count++;
        o.submit(draw());
        schedule();
      } else send().catch((err) => o.onError?.(err)).finally(schedule);
    }, waitMs);
    timer.unref();
  }
  schedule();

  return {
    next,
    draw,
    send,
    sent: () => count,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
