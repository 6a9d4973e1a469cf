// The city's wall in Chromium as the wall benchmarks open it: a display URL issued by the
// admin, 1920×1080, waited for until its grids are drawn. (In lib/, so scripts/bench.ts
// does not run it as a benchmark.)
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../chromium.ts';
import type { LocalApp } from '../../local-app.ts';

export async function openCityWall(local: LocalApp, name: string): Promise<{ browser: Browser; page: Page }> {
  const admin = await local.as('admin');
  const issued = await fetch(`${local.url}/api/displays`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...admin.headers },
    body: JSON.stringify({ name, scope: local.net.city.code }),
  });
  if (issued.status !== 201) throw new Error(`POST /api/displays answered ${issued.status}`);
  const display = (await issued.json()) as { url: string };
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  await page.goto(local.url + display.url);
  await page.waitForFunction(() => (window as any).__wall?.gridsDrawn === true, null, { timeout: 180_000 });
  return { browser, page };
}
