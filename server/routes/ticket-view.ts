// A stored ticket as a caller sees it: the reporter in full, masked or left out by who is
// asking, and the light and deadline as of now on the working-day clock.
import type { AppDeps } from './deps.ts';
import type { TicketRecord } from '../domain/ticket.ts';
import type { Principal } from '../auth/principal.ts';
import { seesPersonalData } from '../auth/principal.ts';
import { presentTicket } from '../domain/present.ts';
import { lightNow } from '../domain/lights.ts';
import type { Level } from '../domain/catalogue.ts';

const HOUR = 3_600_000;
/** When no item is known at all (a category the catalogue does not map). */
const DEFAULT_VERIFY_HOURS = 2;

export function ticketView({ net, now, clock, catalogue }: Pick<AppDeps, 'net' | 'now' | 'clock' | 'catalogue'>) {
  /** Before verification there is no item yet: the item the report's category maps onto
   * gives the verification limit. */
  const verifyLimitMs = (category: string, itemCode?: string | null, level?: Level | null) => {
    const item = (itemCode && catalogue.byCode.get(itemCode)) || catalogue.itemForSpineCategory(category);
    return (item ? item.limits[level ?? 'general'].verify : DEFAULT_VERIFY_HOURS) * HOUR;
  };
  /** `'none'`: for rooms a display can join, never any personal data. */
  const view = (r: TicketRecord, who: Principal | null | 'none') => presentTicket(
    net, r,
    who === 'none' ? 'none' : seesPersonalData(who, r.gridCode) ? 'full' : 'masked',
    lightNow(r, now(), clock, verifyLimitMs(r.category, r.item, r.level)),
  );
  return Object.assign(view, { verifyLimitMs });
}
