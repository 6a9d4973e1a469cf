// The latest tickets, newest on top: time, category, where, and who reported it.
import { statusCss } from '../live/statusColors.ts';
import { useWall } from '../store.ts';
import { nameOf, timeOfDay } from './format.ts';

export function LiveFeed() {
  const feed = useWall((s) => s.feed);
  const names = useWall((s) => s.names);
  return (
    <section className="card feed-card">
      <h2 className="card-title">实时事件</h2>
      <ol className="feed" data-testid="feed">
        {feed.map((t) => (
          <li className="feed-item" key={t.id} data-testid="feed-item" data-id={t.id}>
            <div className="feed-line1">
              <span className="feed-time">{timeOfDay(t.createdAt)}</span>
              <span className="feed-category">{nameOf(names.category, t.category)}</span>
              <span className="feed-status" style={{ color: statusCss(t.status) }}>
                {nameOf(names.status, t.status)}
              </span>
            </div>
            <div className="feed-line2">
              <span className="feed-where">
                {t.street?.name ?? t.district?.name ?? ''}
                {t.grid?.name ? ` · ${t.grid.name}` : ''}
              </span>
              <span className="feed-source">{nameOf(names.source, t.source)}</span>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
