// Times and figures as the console shows them (CST, as the command room reads its clock).
const mdhm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
const ymdhms = new Intl.DateTimeFormat('zh-CN', {
  timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false,
});

export const dayAndTime = (iso: string): string => mdhm.format(new Date(iso));
export const fullTime = (iso: string): string => ymdhms.format(new Date(iso));

/** "剩 3 小时 20 分" / "超 1 天 2 小时": wall-clock time to (or past) a deadline. */
export function untilDeadline(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const abs = Math.abs(ms);
  const m = Math.floor(abs / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const min = m % 60;
  const span = d > 0 ? `${d} 天 ${h} 小时` : h > 0 ? `${h} 小时 ${min} 分` : `${min} 分`;
  return ms >= 0 ? `剩 ${span}` : `超 ${span}`;
}

export const percent = (r: number | null | undefined): string => (r === null || r === undefined ? '—' : `${(r * 100).toFixed(1)}%`);
