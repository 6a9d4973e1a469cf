// 督办件: the open tickets of the view's area that were given a 督办 (GET /api/queues/supervised),
// newest first, with how many there are. Hidden for a caller the queues refuse (a display).
import { useView } from '../../view.ts';
import { useApi } from '../../netmap/useApi.ts';
import type { Ticket } from '../../types.ts';
import '../../netmap/netmap.css';

interface Page { total?: number; items: { ticket: Ticket }[] }

export function SupervisedList() {
  const area = useView((v) => v.area);
  const { data, error } = useApi<Page>(area ? `/api/queues/supervised?area=${area}&limit=6` : null, 30_000);
  return (
    <section className="card netmap-card" hidden={error !== null} data-testid="supervised-list">
      <h2 className="card-title">督办件{data?.total !== undefined ? ` · ${data.total} 件` : ''}</h2>
      <ul className="netmap-list">
        {data?.items.map(({ ticket: t }) => (
          <li key={t.id}>
            <span className={`netmap-light ${t.light ?? ''}`} />
            <span className="netmap-list-place">{t.street?.name ?? ''}{t.grid.name}</span>
            <span className="netmap-list-text">{t.description ?? ''}</span>
          </li>
        ))}
        {data && !data.items.length ? <li className="netmap-empty">暂无督办件</li> : null}
      </ul>
    </section>
  );
}
