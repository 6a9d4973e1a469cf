// The wall: the map underneath, full bleed; over it the header band with the day's figures,
// a left and a right column of panels, and the map's own controls between them
// (layout/Columns.tsx and layout.css draw the frame). One live connection.
//
// Where panels go (each column stacks its slots top to bottom; `share` = parts of its height):
//   left column:  today's reports per area, patrol coverage (when on); the selected grid's or
//                 worker's panel takes the whole column while open;
//   right column: the live feed;
//   map top:      the layer switcher, the carousel's badge;
//   map bottom:   the replay, the legend, the attribution.
import { useEffect } from 'react';
import { CarouselBadge } from './carousel/Carousel.tsx';
import { LeftColumn, MapCentre, RightColumn, Slot } from './layout/Columns.tsx';
import { startLive } from './live/socket.ts';
import { MapView } from './map/MapView.tsx';
import { wallHandle } from './map/testHandle.ts';
import { Attribution } from './panels/Attribution.tsx';
import { CoveragePanel } from './panels/CoveragePanel.tsx';
import { DistrictChart } from './panels/DistrictChart.tsx';
import { GridPanel } from './panels/GridPanel.tsx';
import { Header } from './panels/Header.tsx';
import { LayerSwitcher } from './panels/LayerSwitcher.tsx';
import { Legend } from './panels/Legend.tsx';
import { LiveFeed } from './panels/LiveFeed.tsx';
import { ReplayPanel } from './panels/ReplayPanel.tsx';
import { WorkerPanel } from './panels/WorkerPanel.tsx';
import { pickWorker } from './live/workers.ts';
import { bindPatrol } from './patrol/state.ts';
import { clearSelection } from './selection.ts';
import { getState } from './store.ts';

export function App() {
  useEffect(() => {
    wallHandle().ticketIds = () => getState().tickets.ids();
    const stop = startLive(() => {
      wallHandle().ready = true;
    });
    const unbindPatrol = bindPatrol();
    const onKey = (e: KeyboardEvent): void => {
      if (e.key !== 'Escape') return;
      clearSelection();
      pickWorker(-1);
    };
    window.addEventListener('keydown', onKey);
    return () => {
      stop();
      unbindPatrol();
      window.removeEventListener('keydown', onKey);
    };
  }, []);

  return (
    <div className="wall">
      <MapView />
      <Header />
      <LeftColumn>
        <GridPanel />
        <WorkerPanel />
        <Slot share={2}>
          <DistrictChart />
        </Slot>
        <Slot share={3}>
          <CoveragePanel />
        </Slot>
      </LeftColumn>
      <MapCentre
        top={
          <>
            <LayerSwitcher />
            <CarouselBadge />
          </>
        }
        bottom={
          <>
            <ReplayPanel />
            <div className="map-bottom-row">
              <Legend />
              <Attribution />
            </div>
          </>
        }
      />
      <RightColumn>
        <Slot>
          <LiveFeed />
        </Slot>
      </RightColumn>
    </div>
  );
}
