// A camera's status goes out as `camera` to the walls that asked for the cameras layer in an
// area holding the camera — real socket.io-client connections on loopback — and to no other.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { injectAs, testApp, type TestApp } from './helpers.ts';

type CameraEvent = { id: string; status: string; at: number };
let t: TestApp;
const sockets: Socket[] = [];
beforeAll(async () => {
  t = await testApp({ listen: true, cameras: { count: 3000 } });
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await t.close();
});

async function wall(area: string, layers: string[]): Promise<{ socket: Socket; got: CameraEvent[] }> {
  const { token } = await t.as('dispatcher');
  const socket = connect(t.url, { auth: { token, layers }, query: { area }, transports: ['websocket'], forceNew: true });
  sockets.push(socket);
  const got: CameraEvent[] = [];
  socket.on('camera', (e: CameraEvent) => got.push(e));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return { socket, got };
}
const until = async (f: () => boolean, ms = 5000) => {
  const end = Date.now() + ms;
  while (!f()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('camera events', () => {
  it('reach the walls of areas holding the camera that show cameras, and no others', async () => {
    const admin = await injectAs(t);
    const idIn = async (area: string) => ((await admin(`/api/cameras?area=${area}`)).json() as { ids: string[]; count: number }).ids[0];
    const tianning = await idIn('320402');
    const liyang = await idIn('320481');
    const street = tianning.slice(0, 6); // the camera's district; its grid decides the finer rooms
    const grid = (await admin(`/api/cameras/${tianning}`)).json().grid as string;

    const city = await wall('320400', ['cameras']);
    const district = await wall(street, ['workers', 'cameras']);
    const ownGrid = await wall(grid, ['cameras']);
    const other = await wall('320481', ['cameras']);
    const noLayer = await wall('320402', ['workers']);

    // Outside first: by the time the 天宁 event reaches a 天宁 wall, a wrongly routed 溧阳 one would have too.
    expect((await admin({ method: 'PUT', url: `/api/cameras/${liyang}/status`, payload: { status: 'offline' } })).json().changed).toBe(true);
    expect((await admin({ method: 'PUT', url: `/api/cameras/${tianning}/status`, payload: { status: 'fault' } })).json().changed).toBe(true);
    await until(() => city.got.length === 2 && district.got.length === 1 && ownGrid.got.length === 1 && other.got.length === 1);
    expect(city.got.map((e) => [e.id, e.status])).toEqual([[liyang, 'offline'], [tianning, 'fault']]);
    for (const w of [district, ownGrid]) expect(w.got).toEqual([{ id: tianning, status: 'fault', at: expect.any(Number) }]);
    expect(other.got).toEqual([{ id: liyang, status: 'offline', at: expect.any(Number) }]);

    // The same status again changes nothing and sends nothing; a wall that joins another area follows it.
    expect((await admin({ method: 'PUT', url: `/api/cameras/${tianning}/status`, payload: { status: 'fault' } })).json().changed).toBe(false);
    expect(await other.socket.emitWithAck('join', { area: street })).toEqual({ ok: true, area: street });
    await admin({ method: 'PUT', url: `/api/cameras/${tianning}/status`, payload: { status: 'online' } });
    await until(() => other.got.length === 2 && district.got.length === 2);
    expect(other.got[1]).toMatchObject({ id: tianning, status: 'online' });
    await new Promise((r) => setTimeout(r, 150));
    expect(noLayer.got).toEqual([]);
    expect(district.got).toHaveLength(2);
  });
});
