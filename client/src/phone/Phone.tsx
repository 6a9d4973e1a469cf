// 网格通's frame for a 360×800 screen: a header (who, which grid, network, what waits to be
// sent), the open tab's content (the only part that scrolls), and three large tabs at the
// bottom where a thumb reaches them: 巡查, 上报, 任务. Starts the page's machinery once a
// worker is signed in: outbox, geolocation, live socket, inbox, today's figures.
import { useEffect } from 'react';
import { useWall } from '../store.ts';
import { loadTasksSoon, startTaskRefresh } from './inbox.ts';
import { startLive } from './live.ts';
import { loadCatalogue, loadGrids, loadTodaySoon, locateHere, startToday } from './loaders.ts';
import { startOutbox } from './outbox.ts';
import { watchHere } from './patrol.ts';
import { notify, showTab, usePhone, type Tab } from './state.ts';
import { phoneHandle } from './testHandle.ts';
import { PhoneHeader } from './PhoneHeader.tsx';
import { NoticeBar, TaskAlert } from './Notices.tsx';
import { PatrolView } from './PatrolView.tsx';
import { ReportView } from './ReportView.tsx';
import { TasksView } from './TasksView.tsx';

const TABS: { tab: Tab; name: string }[] = [
  { tab: 'patrol', name: '巡查' },
  { tab: 'report', name: '上报' },
  { tab: 'tasks', name: '任务' },
];

export function Phone() {
  const account = useWall((s) => s.account)!;
  const tab = usePhone((s) => s.tab);
  const here = usePhone((s) => s.here);
  const taskCount = usePhone((s) => s.tasks.items.length);
  const fresh = usePhone((s) => s.fresh.length);
  const patrolOn = usePhone((s) => s.patrol.on);
  // A renewed session brings a new account object: the machinery restarts only for another worker.
  const gridsKey = (account.grids ?? []).join(',');

  useEffect(() => {
    const grids = gridsKey ? gridsKey.split(',') : [];
    const stops = [
      startOutbox(account.username, {
        jobDone: (job, ticket) => {
          notify('ok', `已送达：${job.label}${ticket ? `（${ticket.id}）` : ''}`);
          loadTasksSoon();
          loadTodaySoon();
        },
        fixesSent: () => loadTodaySoon(),
      }),
      watchHere(account.username),
      // The worker's own grid is their area on the live feed (their scope when they have several).
      startLive(grids.length === 1 ? grids[0] : account.scope),
      startTaskRefresh(),
      startToday(),
    ];
    void loadCatalogue();
    void loadGrids(grids);
    phoneHandle().ready = true;
    return () => stops.forEach((stop) => stop());
  }, [account.username, account.scope, gridsKey]);

  useEffect(() => {
    if (here) void locateHere();
  }, [here]);

  return (
    <div className="ph" data-testid="phone">
      <PhoneHeader />
      <TaskAlert />
      <main className="ph-main" data-testid={`tab-${tab}`}>
        <NoticeBar />
        {/* All three stay mounted: a half-written report survives a look at the tasks. */}
        <div hidden={tab !== 'patrol'}>
          <PatrolView />
        </div>
        <div hidden={tab !== 'report'}>
          <ReportView />
        </div>
        <div hidden={tab !== 'tasks'}>
          <TasksView />
        </div>
      </main>
      <nav className="ph-tabs" aria-label="功能">
        {TABS.map((t) => (
          <button
            key={t.tab}
            type="button"
            className={`ph-tab${tab === t.tab ? ' ph-tab-on' : ''}`}
            aria-current={tab === t.tab ? 'page' : undefined}
            data-testid={`tab-button-${t.tab}`}
            onClick={() => showTab(t.tab)}
          >
            <span className="ph-tab-name">{t.name}</span>
            {t.tab === 'patrol' && patrolOn && <span className="ph-tab-dot" aria-label="巡查中" />}
            {t.tab === 'tasks' && taskCount > 0 && (
              <span className={`ph-tab-badge${fresh ? ' ph-tab-badge-new' : ''}`} data-testid="task-count">
                {taskCount}
              </span>
            )}
          </button>
        ))}
      </nav>
    </div>
  );
}
