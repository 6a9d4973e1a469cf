// The day's latest tickets, newest on top, each in its latest state: time, category, its
// state in the loop (coloured by its light while open, muted once finished), where, and from
// which channel. A ticket past 80 % of its limit says 预警, an overdue one 超期.
import { isDone, LIGHT_NAME, ticketCss } from '../live/statusColors.ts';
import { useWall } from '../store.ts';
import { showTicketCameras } from '../city/cameras.ts';
import { nameOf, timeOfDay } from './format.ts';

export function LiveFeed() {
  const feed = useWall((s) => s.feed);
  const names = useWall((s) => s.names);
  return (
    <section className="card feed-card">
      <h2 className="card-title">实时事件</h2>
      <ol className="feed" data-testid="feed">
        {feed.map((t) => {
          const done = isDone(t.status);
          const light = !done && (t.light === 'yellow' || t.light === 'red') ? t.light : null;
          return (
            <li className={done ? 'feed-item feed-item-done' : 'feed-item'} key={t.id} data-testid="feed-item" data-id={t.id} data-status={t.status} data-light={t.light ?? ''} data-cameras title="周边视频" onClick={() => void showTicketCameras(t.id)}>
              <div className="feed-line1">
                <span className="feed-time">{timeOfDay(t.createdAt)}</span>
                <span className="feed-category">{nameOf(names.category, t.category)}</span>
                {light && <span className={`feed-light feed-light-${light}`}>{LIGHT_NAME[light]}</span>}
                <span className="feed-status" style={{ color: ticketCss(t) }}>
                  <span className={light === 'red' ? 'dot dot-overdue' : 'dot'} style={{ background: ticketCss(t) }} />
                  {nameOf(names.status, t.status)}
                </span>
              </div>
              <div className="feed-line2">
                <span className="feed-where">
                  {t.street?.name ?? t.district?.name ?? ''}
                  {t.grid?.name ? ` · ${t.grid.name}` : ''}
                </span>
                {(t.supervised ?? 0) > 0 && <span className="feed-supervised">督办 {t.supervised}</span>}
                <span className="feed-source">{nameOf(names.source, t.source)}</span>
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
