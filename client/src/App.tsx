// The wall: the map underneath, panels floating over it, one live connection.
import { useEffect } from 'react';
import { startLive } from './live/socket.ts';
import { MapView } from './map/MapView.tsx';
import { wallHandle } from './map/testHandle.ts';
import { Attribution } from './panels/Attribution.tsx';
import { DistrictChart } from './panels/DistrictChart.tsx';
import { GridPanel } from './panels/GridPanel.tsx';
import { Header } from './panels/Header.tsx';
import { Legend } from './panels/Legend.tsx';
import { LiveFeed } from './panels/LiveFeed.tsx';
import { clearSelection } from './selection.ts';
import { getState } from './store.ts';

export function App() {
  useEffect(() => {
    wallHandle().ticketIds = () => getState().tickets.ids();
    const stop = startLive(() => {
      wallHandle().ready = true;
    });
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') clearSelection();
    };
    window.addEventListener('keydown', onKey);
    return () => {
      stop();
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  return (
    <div className="wall">
      <MapView />
      <Header />
      <div className="right-column" data-occludes>
        <DistrictChart />
        <LiveFeed />
      </div>
      <GridPanel />
      <div className="bottom-left" data-occludes>
        <Legend />
      </div>
      <Attribution />
    </div>
  );
}
