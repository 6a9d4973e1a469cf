// What every route plugin receives (built once by app.ts).
import type { Net } from '../net/types.ts';
import type { AccessStore, AuditStore, TicketStore } from '../store/types.ts';
import type { Locator } from '../geo/locator.ts';
import type { NetTiles } from '../geo/tiles.ts';
import type { Live } from '../live/socket.ts';
import type { StaticJsonCache } from '../http/cache.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Lockout } from '../auth/lockout.ts';
import type { Departments } from '../domain/departments.ts';

export interface AppDeps {
  net: Net;
  store: TicketStore;
  access: AccessStore;
  audit: AuditStore;
  locator: Locator;
  tiles: NetTiles;
  live: Live;
  now: () => number;
  /** For answers that never change while the process runs (the net). */
  staticJson: StaticJsonCache;
  sessions: Sessions;
  lockout: Lockout;
  departments: Departments;
  rates: RateLimits;
}

/** Requests per minute: writes per principal, sign-ins per address. */
export interface RateLimits {
  writesPerMinute: number;
  signInsPerMinute: number;
}
