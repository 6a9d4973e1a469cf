// What the dots mean: open tickets by their light on the working-day clock, finished ones by
// their state (muted). The states' names are the server's (/api/meta). The grid phones'
// colours (网格员 在线/离线/任务中) once the wall has any phone to show.
import { DEVICE_STATUS } from '../../../server/domain/fix.ts';
import { LIGHT_NAME, ticketCss } from '../live/statusColors.ts';
import { useWorkers, WORKER_STATUS_NAME, workerCss } from '../live/workers.ts';
import { useWall } from '../store.ts';

const LIGHTS = ['green', 'yellow', 'red'] as const;
const CREW = [DEVICE_STATUS.online, DEVICE_STATUS.offline, DEVICE_STATUS.onTask] as const;
const DONE = [
  ['closed', '已结案'],
  ['rejected', '不予立案'],
] as const;

export function Legend() {
  const names = useWall((s) => s.names.status);
  const crew = useWorkers((w) => w.known > 0);
  return (
    <div className="legend" data-testid="legend" data-occludes>
      <span className="legend-group">在办</span>
      {LIGHTS.map((light) => (
        <span key={light} className="legend-item" data-light={light}>
          <span className={light === 'red' ? 'dot dot-overdue' : 'dot'} style={{ background: ticketCss({ status: 'handling', light }) }} />
          {LIGHT_NAME[light]}
        </span>
      ))}
      <span className="legend-item" data-mark="supervised">
        <span className="dot dot-supervised" />
        督办
      </span>
      <span className="legend-sep" />
      {DONE.map(([status, fallback]) => (
        <span key={status} className="legend-item legend-done" data-status={status}>
          <span className="dot dot-done" style={{ background: ticketCss({ status }) }} />
          {names.get(status) ?? fallback}
        </span>
      ))}
      {crew && <span className="legend-sep" />}
      {crew && <span className="legend-group">网格员</span>}
      {crew &&
        CREW.map((status) => (
          <span key={`worker-${status}`} className="legend-item legend-worker" data-worker-status={status}>
            <span className="dot" style={{ background: workerCss(status) }} />
            {WORKER_STATUS_NAME[status]}
          </span>
        ))}
    </div>
  );
}
