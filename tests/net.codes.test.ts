import { describe, expect, it } from 'vitest';
import { ancestors, gridCode, gridSequence, gridTypeFromCode, isGridCode, levelOfCode, parentCode, readingOrder } from '../server/net/codes.ts';

describe('codes of the net', () => {
  it('tells the level from the length, with 320400 as the city', () => {
    expect(levelOfCode('320400')).toBe('city');
    expect(levelOfCode('320402')).toBe('district');
    expect(levelOfCode('320402001')).toBe('street');
    expect(levelOfCode('320402001001')).toBe('community');
    expect(levelOfCode('320402001001001')).toBe('grid');
    expect(() => levelOfCode('3204020')).toThrow();
    expect(() => levelOfCode('32040a')).toThrow();
  });

  it('a grid of 雕庄街道 rolls up by prefix to 天宁区 and 常州市', () => {
    expect(parentCode('320402001001901')).toBe('320402001001');
    expect(parentCode('320402001001')).toBe('320402001');
    expect(parentCode('320402001')).toBe('320402');
    expect(parentCode('320402')).toBe('320400');
    expect(parentCode('320400')).toBeNull();
    expect(ancestors('320402001001001')).toEqual(['320400', '320402', '320402001', '320402001001']);
    expect(ancestors('320400')).toEqual([]);
  });

  it('numbers base grids 001–899 and dedicated grids 901–999', () => {
    expect(gridSequence('320402001001017')).toBe(17);
    expect(gridTypeFromCode('320402001001001')).toBe('base');
    expect(gridTypeFromCode('320402001001899')).toBe('base');
    expect(gridTypeFromCode('320402001001901')).toBe('dedicated');
    expect(gridTypeFromCode('320402001001999')).toBe('dedicated');
    expect(() => gridTypeFromCode('320402001001900')).toThrow();
    expect(() => gridTypeFromCode('320402001001000')).toThrow();
    expect(isGridCode('320402001001001')).toBe(true);
    expect(isGridCode('320402001001000')).toBe(false);
    expect(isGridCode('320402001001')).toBe(false);
    expect(gridCode('320402001001', 901)).toBe('320402001001901');
  });

  it('reads grids west→east in bands from north to south', () => {
    // four grids in a square community: two bands; NW, NE, SW, SE
    const labels: [number, number][] = [[1.5, 0.5], [0.5, 0.5], [1.5, 1.5], [0.5, 1.5]];
    expect(readingOrder(labels, [0, 0, 2, 2])).toEqual([3, 2, 1, 0]);
    expect(readingOrder([[0.3, 0.1]], [0, 0, 1, 1])).toEqual([0]);
  });
});
