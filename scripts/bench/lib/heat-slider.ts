// The heatmap's time slider driven in Chromium, as tests/e2e.heatmap.test.ts and
// scripts/bench/heatmap.ts measure it: the wall opened with the heatmap layer on, then
// `moves` moves of a `windowDays` window one day apart (after a few unmeasured ones, so V8
// has optimised the code). Per move, the browser's script time from Chromium's own counter
// (CDP Performance.getMetrics ScriptDuration: every script task from the move until two
// frames after its data is in, so deck.gl's frame with its buffer upload and draw calls
// counts; for hex, the wait for the server is not script and not counted), and the
// performance marks of the parts: the move's synchronous update (points: binary search,
// layer, overlay), the layer build, the hex answer's JSON.parse, deck.gl's last frame.
// (In lib/, so scripts/bench.ts does not run it as a benchmark.)
import type { Page } from 'playwright-core';

export interface SliderMove { scriptMs: number; updateMs: number; layerMs: number; parseMs: number; deckFrameMs: number; wallMs: number; shown: number }

export const percentiles = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
  const r = (v: number) => Math.round(v * 10) / 10;
  return { p50: r(at(50)), p95: r(at(95)), max: r(s[s.length - 1]) };
};

/** Switches to points mode and waits until the year of points is in the page; returns its state. */
export async function waitForHeatLoaded(page: Page, timeoutMs = 300_000) {
  await page.waitForFunction(() => (window as any).__heat !== undefined, null, { timeout: timeoutMs });
  await page.evaluate(() => (window as any).__heat.mode('points'));
  await page.waitForFunction(() => {
    const s = (window as any).__heat?.state();
    return s && s.chunksTotal > 0 && s.chunksLoaded === s.chunksTotal;
  }, null, { timeout: timeoutMs, polling: 250 });
  return page.evaluate(() => (window as any).__heat.state() as { firstDay: number; lastDay: number; windowDays: number });
}

export async function measureSlider(page: Page, mode: 'points' | 'hex', o: { moves: number; windowDays: number; warmup?: number; lastEnd?: number }): Promise<SliderMove[]> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const scriptSeconds = async () => ((await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ScriptDuration')?.value ?? NaN);
  await page.evaluate((m) => (window as any).__heat.mode(m), mode);
  const st = await page.evaluate(() => (window as any).__heat.state() as { lastDay: number });
  const lastEnd = o.lastEnd ?? st.lastDay;
  const warmup = o.warmup ?? 5;
  const out: SliderMove[] = [];
  for (let i = -warmup; i < o.moves; i++) {
    const end = lastEnd - o.moves + i;
    const before = await scriptSeconds();
    const m = await page.evaluate(async ({ end, days }) => {
      const h = (window as any).__heat;
      const w = (window as any).__wall;
      const t0 = performance.now();
      const moved = h.move(end, days);
      const updateMs = performance.now() - t0;
      await moved;
      const wallMs = performance.now() - t0;
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return { updateMs, wallMs, layerMs: h.last?.layerMs ?? NaN, parseMs: h.parseMs(), deckFrameMs: w.deckFrameMs(), shown: h.state().shown };
    }, { end, days: o.windowDays });
    const scriptMs = ((await scriptSeconds()) - before) * 1000;
    if (i >= 0) out.push({ scriptMs, ...m });
  }
  await cdp.detach();
  return out;
}

export function summarise(moves: SliderMove[]) {
  return {
    moves: moves.length,
    meanShown: Math.round(moves.reduce((a, m) => a + m.shown, 0) / moves.length),
    scriptMs: percentiles(moves.map((m) => m.scriptMs)),
    updateMs: percentiles(moves.map((m) => m.updateMs)),
    layerMs: percentiles(moves.map((m) => m.layerMs)),
    parseMs: percentiles(moves.map((m) => m.parseMs)),
    deckFrameMs: percentiles(moves.map((m) => m.deckFrameMs)),
    wallMs: percentiles(moves.map((m) => m.wallMs)),
  };
}
