// Dot colours on the map, by ticket status.
import { statusCss } from '../live/statusColors.ts';
import { useWall } from '../store.ts';

export function Legend() {
  const statuses = useWall((s) => s.meta?.statuses);
  if (!statuses) return null;
  return (
    <div className="legend">
      {statuses.slice(0, 8).map((s) => (
        <span key={s.code} className="legend-item">
          <span className="dot" style={{ background: statusCss(s.code) }} />
          {s.name}
        </span>
      ))}
    </div>
  );
}
