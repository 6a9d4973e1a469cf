// What the dots mean: open tickets by their light on the working-day clock, finished ones by
// their state (muted). The states' names are the server's (/api/meta).
import { LIGHT_NAME, ticketCss } from '../live/statusColors.ts';
import { useWall } from '../store.ts';

const LIGHTS = ['green', 'yellow', 'red'] as const;
const DONE = [
  ['closed', '已结案'],
  ['rejected', '不予立案'],
] as const;

export function Legend() {
  const names = useWall((s) => s.names.status);
  return (
    <div className="legend" data-testid="legend">
      <span className="legend-group">在办</span>
      {LIGHTS.map((light) => (
        <span key={light} className="legend-item" data-light={light}>
          <span className={light === 'red' ? 'dot dot-overdue' : 'dot'} style={{ background: ticketCss({ status: 'handling', light }) }} />
          {LIGHT_NAME[light]}
        </span>
      ))}
      <span className="legend-sep" />
      {DONE.map(([status, fallback]) => (
        <span key={status} className="legend-item legend-done" data-status={status}>
          <span className="dot dot-done" style={{ background: ticketCss({ status }) }} />
          {names.get(status) ?? fallback}
        </span>
      ))}
    </div>
  );
}
