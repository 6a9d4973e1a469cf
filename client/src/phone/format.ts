// Times, durations and distances as the phone shows them (CST, the worker's own clock).
const hm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hour12: false });
const hms = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const mdhm = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'numeric', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

export const clockTime = (t: number): string => hm.format(t);
export const clockSeconds = (t: number): string => hms.format(t);
export const dayTime = (t: number | string): string => mdhm.format(typeof t === 'string' ? Date.parse(t) : t);

/** "2 小时 05 分" / "35 分" / "不足 1 分". */
export function duration(ms: number): string {
  const m = Math.max(0, Math.floor(ms / 60_000));
  if (m === 0) return '不足 1 分';
  const h = Math.floor(m / 60);
  return h > 0 ? `${h} 小时 ${String(m % 60).padStart(2, '0')} 分` : `${m} 分`;
}

/** "850 米" / "3.4 公里". */
export const distance = (m: number): string => (m < 1000 ? `${Math.round(m)} 米` : `${(m / 1000).toFixed(m < 10_000 ? 1 : 0)} 公里`);

/** "剩 3 小时" / "超 20 分": wall-clock time to (or past) a deadline. */
export function untilDeadline(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  return `${ms >= 0 ? '剩' : '超'} ${duration(Math.abs(ms))}`;
}
