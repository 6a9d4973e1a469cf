// The header clock, Asia/Shanghai, on the server's time (live/serverClock.ts), not the wall
// PC's; re-rendering only itself, once a second, on the second. Dimmed until the server has
// told its time.
import { useEffect, useState } from 'react';
import { serverClockKnown, serverNow } from '../live/serverClock.ts';

const time = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
const date = new Intl.DateTimeFormat('zh-CN', { timeZone: 'Asia/Shanghai', month: 'long', day: 'numeric', weekday: 'short' });

export function Clock() {
  const [now, setNow] = useState(serverNow);
  useEffect(() => {
    let id: ReturnType<typeof setTimeout>;
    const tick = (): void => {
      const t = serverNow();
      setNow(t);
      id = setTimeout(tick, 1000 - (t % 1000) + 20);
    };
    tick();
    return () => clearTimeout(id);
  }, []);
  const synced = serverClockKnown();
  return (
    <div className={synced ? 'clock' : 'clock clock-unsynced'} data-testid="clock" data-server-time={synced ? Math.floor(now) : undefined}>
      <div className="clock-time">{time.format(now)}</div>
      <div className="clock-date">{date.format(now)}</div>
    </div>
  );
}
