// Text shown in any page is never interpreted as HTML: the wall renders through React
// (which escapes text) and deck.gl/MapLibre text layers, and nothing in the client writes
// markup from data. A guard over the client's sources, so none is added later; the e2e
// test shows a reported description full of markup as text.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SINKS = /dangerouslySetInnerHTML|\.innerHTML\b|\.outerHTML\b|insertAdjacentHTML|document\.write|\bsetHTML\(|\beval\(|new Function\(|createContextualFragment/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : /\.(tsx?|html)$/.test(e.name) ? [join(dir, e.name)] : []));
}

describe('the client', () => {
  it('has no HTML sink for data', () => {
    const files = sources('client');
    expect(files.length).toBeGreaterThan(10);
    const hits = files.flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => [f, i + 1, line] as const).filter(([, , line]) => SINKS.test(line)));
    expect(hits.map(([f, n, line]) => `${f}:${n}: ${line.trim()}`)).toEqual([]);
  });
});
