// The wall's view in its URL: what a shared link or a wall's start address sets.
import { describe, expect, it } from 'vitest';
import { childLevel, formatView, levelOf, parseView } from '../client/src/view.ts';

describe('the view in the address bar', () => {
  it('round-trips area, level, KPI, layers and range, keeping other parameters', () => {
    const v = parseView('?area=320402001&kpi=onTimeRate&layers=net,cameras,heatmap&range=2026-03-01..2026-03-31');
    expect(v.area).toBe('320402001');
    expect(v.level).toBe('street');
    expect(v.kpi).toBe('onTimeRate');
    expect([...v.layers].sort()).toEqual(['cameras', 'heatmap', 'net']);
    expect(v.range).toEqual({ from: '2026-03-01', to: '2026-03-31' });
    const again = parseView(`?${formatView(v, 'x=1')}`);
    expect(again).toEqual(v);
    expect(formatView(v, 'x=1')).toContain('x=1');
  });

  it('falls back to the defaults on values it does not know, never to a broken view', () => {
    const v = parseView('?area=12ab&kpi=nope&layers=tickets,bogus&range=2026-04-01..2026-03-01');
    expect(v.area).toBe('');
    expect(v.kpi).toBe('open');
    expect([...v.layers]).toEqual(['tickets']);
    expect(v.range).toBe('today');
    expect([...parseView('').layers]).toEqual(['net', 'tickets', 'workers']);
    expect(parseView('?layers=').layers.size).toBe(0);
  });

  it('names levels by code length, the city by its code', () => {
    expect(levelOf('320400')).toBe('city');
    expect(levelOf('320402')).toBe('district');
    expect(levelOf('320402001001001')).toBe('grid');
    expect(childLevel('city')).toBe('district');
    expect(childLevel('community')).toBe('grid');
    expect(childLevel('grid')).toBe('grid');
  });
});
