// Grid workers who carry a grid phone (网格通). Urban base grid "4+X": its full-time worker
// carries one, and so does a part-time worker where the grid has 300 households or more; village base grid "3+X": one part-time worker;
// dedicated grid "2+X": the unit's part-time worker. The rest of each team (liaison cadres,
// leaders, part-time workers without a phone, volunteers) is drawn in teams.ts from streams
// of its own, so that these draws, interleaved with the community's, never move.
import type { Worker } from '../../server/net/types.ts';
import { maskedPhone, personName } from './naming.ts';
import type { Rng } from './random.ts';

export const SECOND_PHONE_HOUSEHOLDS = 300;

export function gridWorkers(gridCode: string, type: 'base' | 'dedicated', urban: boolean, households: number, rng: Rng): Worker[] {
  const roles: Worker['role'][] = type === 'base' && urban
    ? households >= SECOND_PHONE_HOUSEHOLDS ? ['full_time', 'part_time'] : ['full_time']
    : ['part_time'];
  return roles.map((role, i) => ({
    id: `W${gridCode}-${i + 1}`,
    name: personName(rng),
    role,
    grid: gridCode,
    phone: maskedPhone(rng),
    carriesPhone: true,
  }));
}
