// The queues (待核实, 待派遣, …) with how many tickets each holds under the filters.
import { QUEUE_NAME, QUEUE_ORDER } from './labels.ts';
import { selectQueue, useConsole } from './state.ts';
import type { QueueCode } from './types.ts';

/** Queues whose count is a warning, not just work waiting. */
const ALARM: QueueCode[] = ['overdue', 'supervised', 'returned'];

export function QueueNav() {
  const queues = useConsole((s) => s.queues);
  const open = useConsole((s) => s.queue);
  const filtered = useConsole((s) => Object.keys(s.filters).length > 0);
  const byCode = new Map(queues?.map((q) => [q.code, q]));
  return (
    <nav className="cs-col cs-queues" aria-label="队列" data-testid="queues">
      <h2 className="cs-col-title">工作队列{filtered && <span className="cs-tag">已筛选</span>}</h2>
      <ul className="cs-queue-list">
        {QUEUE_ORDER.map((code) => {
          const q = byCode.get(code);
          const count = q?.count;
          const alarm = ALARM.includes(code) && (count ?? 0) > 0;
          return (
            <li key={code}>
              <button
                type="button"
                className={`cs-queue${open === code ? ' cs-queue-open' : ''}${alarm ? ' cs-queue-alarm' : ''}`}
                data-testid={`queue-${code}`}
                aria-pressed={open === code}
                onClick={() => selectQueue(code)}
              >
                <span className="cs-queue-name">{q?.name ?? QUEUE_NAME[code]}</span>
                <span className="cs-queue-count" data-testid="queue-count">
                  {count ?? '…'}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
