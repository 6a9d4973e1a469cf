// 派给网格员: the nearest online grid phones to the ticket (GET /api/tickets/:id/nearest-workers,
// a kdbush search on the server), nearest first; the dispatcher picks one and the task is
// pushed to that worker's phone when the form is sent.
import { useEffect, useState } from 'react';
import { fetchNearestWorkers, type NearWorker } from './api.ts';

const ROLE: Record<string, string> = { full_time: '专职网格员', part_time: '兼职网格员', leader: '网格长', worker: '网格员', tracker: '定位终端' };
const STATUS = ['离线', '在线', '任务中'];

export function NearestWorkers({ ticketId, value, onChange }: { ticketId: string; value: string | null; onChange: (device: string) => void }) {
  const [items, setItems] = useState<NearWorker[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    const ac = new AbortController();
    fetchNearestWorkers(ticketId, 5, ac.signal).then(
      (r) => {
        setItems(r.items);
        if (r.items[0] && value === null) onChange(r.items[0].device);
      },
      (e: unknown) => ac.signal.aborted || setProblem((e as Error).message),
    );
    return () => ac.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per ticket
  }, [ticketId]);
  if (problem) return <div className="cs-form-problem" role="alert">附近网格员：{problem}</div>;
  if (!items) return <div className="cs-field-hint">正在查找附近在线的网格员…</div>;
  if (!items.length) return <div className="cs-field-hint" data-testid="nearest-none">附近暂无在线的网格员</div>;
  return (
    <div className="cs-field" role="radiogroup" aria-label="附近在线网格员" data-testid="nearest-workers">
      <span>附近在线网格员（由近及远）</span>
      <div className="cs-choice cs-choice-column">
        {items.map((w) => (
          <button
            key={w.device}
            type="button"
            className={`cs-btn${value === w.device ? ' cs-btn-on' : ''}`}
            aria-pressed={value === w.device}
            data-testid="nearest-worker"
            data-device={w.device}
            onClick={() => onChange(w.device)}
          >
            {w.name} · {ROLE[w.role] ?? w.role} · {w.distanceM < 1000 ? `${w.distanceM} 米` : `${(w.distanceM / 1000).toFixed(1)} 公里`} · {STATUS[w.status] ?? ''}
          </button>
        ))}
      </div>
    </div>
  );
}
