// What every route plugin receives (built once by app.ts).
import type { Net } from '../net/types.ts';
import type { PgRegisters } from '../store/pg/registers.ts';
import type { AccessStore, AuditStore, KpiStore, TicketStore } from '../store/types.ts';
import type { Locator } from '../geo/locator.ts';
import type { NetTiles } from '../geo/tiles.ts';
import type { Live } from '../live/socket.ts';
import type { StaticJsonCache } from '../http/cache.ts';
import type { Sessions } from '../auth/sessions.ts';
import type { Lockout } from '../auth/lockout.ts';
import type { Departments } from '../domain/departments.ts';
import type { Catalogue } from '../domain/catalogue.ts';
import type { WorkClock } from '../domain/workclock.ts';
import type { StatsPush } from '../live/stats-push.ts';
import type { Patrol } from '../patrol/service.ts';
import type { ComponentRegistry } from '../city/components.ts';
import type { Cameras } from '../cameras/service.ts';

export interface AppDeps {
  net: Net;
  store: TicketStore;
  /** PostgreSQL: the registers in PostGIS, which answers the spatial queries (Stores.registers). */
  registers: PgRegisters | null;
  kpi: KpiStore;
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
  /** The item catalogue (事项清单), validated against the departments. */
  catalogue: Catalogue;
  rates: RateLimits;
  /** Today's figures pushed live as `stats`, coalesced. */
  statsPush: StatsPush;
  /** Working hours on the Chinese calendar: time limits and lights. */
  clock: WorkClock;
  /** Where photo evidence is kept (`<DATA_DIR>/photos`); null: this app keeps no photos. */
  photosDir: string | null;
  photosNode: string;
  /** Devices, their live positions and tracks. */
  patrol: Patrol;
  /** City components (部件): their index, and their states as open tickets make them. */
  components: ComponentRegistry;
  /** Cameras: the register, its point index, live status, video addresses. */
  cameras: Cameras;
  /** With several nodes: can this node reach Redis now? null on a single node. */
  redisUp: (() => boolean) | null;
}

/** Requests per minute: writes per principal, sign-ins per address. */
export interface RateLimits {
  writesPerMinute: number;
  signInsPerMinute: number;
}
