// Synthetic photo evidence for the simulator: small JPEGs drawn with sharp from an SVG —
// plain shapes on a coloured ground with a diagonal band, recognisably not a photograph of
// anyone or anywhere. A handful are made at start and reused (the server stores photos by
// content, so the simulator's uploads take a few kilobytes of disk however long it runs).
import sharp from 'sharp';
import { mulberry32 } from './random.ts';

export interface SimPhotos {
  before: Buffer[];
  after: Buffer[];
}

async function draw(rand: () => number, kind: 'before' | 'after'): Promise<Buffer> {
  const hue = Math.floor(rand() * 360);
  const ground = kind === 'before' ? `hsl(${hue},45%,35%)` : `hsl(${hue},15%,70%)`;
  const shapes = Array.from({ length: kind === 'before' ? 7 : 2 }, () => {
    const x = Math.floor(rand() * 160), y = Math.floor(rand() * 120), r = 6 + Math.floor(rand() * 18);
    return `<circle cx="${x}" cy="${y}" r="${r}" fill="hsl(${Math.floor(rand() * 360)},50%,${kind === 'before' ? 25 : 60}%)"/>`;
  }).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="160" height="120"><rect width="160" height="120" fill="${ground}"/>${shapes}` +
    '<path d="M0 100 L100 0 L120 0 L0 120 Z" fill="#fff" fill-opacity="0.35"/></svg>';
  return sharp(Buffer.from(svg)).jpeg({ quality: 70 }).toBuffer();
}

export async function syntheticPhotos(seed: number, n = 6): Promise<SimPhotos> {
  const rand = mulberry32(seed ^ 0x5eed);
  const before: Buffer[] = [];
  const after: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    before.push(await draw(rand, 'before'));
    after.push(await draw(rand, 'after'));
  }
  return { before, after };
}
