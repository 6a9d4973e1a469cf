// The working day of the command room is the China Standard Time day (UTC+8, no DST).
const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/** Start of the CST calendar day containing `ms`, as epoch ms. */
export function startOfDayCST(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS) * DAY_MS - CST_OFFSET_MS;
}

/** The CST date (YYYY-MM-DD) containing `ms`. */
export function dateCST(ms: number): string {
  return new Date(ms + CST_OFFSET_MS).toISOString().slice(0, 10);
}

/** The CST day as a day number (days since 1970-01-01 CST): the KPI counters' key. */
export function dayCST(ms: number): number {
  return Math.floor((ms + CST_OFFSET_MS) / DAY_MS);
}

/** The first instant (epoch ms) of a CST day number. */
export function dayStartMs(day: number): number {
  return day * DAY_MS - CST_OFFSET_MS;
}
