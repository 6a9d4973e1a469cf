// The console's frame: header, then queues | the open queue's list | the open ticket, and a
// status line. Each column scrolls on its own; the page itself never scrolls.
import { useEffect } from 'react';
import { ConsoleHeader } from './ConsoleHeader.tsx';
import { QueueNav } from './QueueNav.tsx';
import { QueueList } from './QueueList.tsx';
import { StatusLine } from './StatusLine.tsx';
import { TicketDetail } from './TicketDetail.tsx';
import { loadVocabulary, startRefresh } from './state.ts';

export function Console() {
  useEffect(() => {
    void loadVocabulary();
    return startRefresh();
  }, []);
  return (
    <div className="console" data-testid="console">
      <ConsoleHeader />
      <div className="console-body">
        <QueueNav />
        <QueueList />
        <TicketDetail />
      </div>
      <StatusLine />
    </div>
  );
}
