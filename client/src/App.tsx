// The wall: the map underneath, full bleed; over it the header band with the day's figures,
// a left and a right column of panels, and the map's own controls between them
// (layout/Columns.tsx and layout.css draw the frame). One live connection.
//
// Where panels go (each column stacks its slots top to bottom; `share` = parts of its height):
//   left column:  the net's KPI and legend, 月度考核 of the areas below, received vs closed,
//                 patrol coverage (when on); a selected grid, worker, camera, component or a
//                 ticket's cameras takes the whole column while open;
//   right column: the video grid (四屏合一, when it holds cameras), the live feed, 督办件, the
//                 departments' and platforms' rankings (city-wide accounts);
//   map top:      the breadcrumb, the layer switcher, the range, the carousel's badge;
//   map bottom:   the heat slider, the replay, the components' classes, legend, attribution.
import { useEffect } from 'react';
import { CarouselBadge } from './carousel/Carousel.tsx';
import { LeftColumn, MapCentre, RightColumn, Slot } from './layout/Columns.tsx';
import { startLive } from './live/socket.ts';
import { MapView } from './map/MapView.tsx';
import { wallHandle } from './map/testHandle.ts';
import { Attribution } from './panels/Attribution.tsx';
import { CoveragePanel } from './panels/CoveragePanel.tsx';
import { GridPanel } from './panels/GridPanel.tsx';
import { Header } from './panels/Header.tsx';
import { LayerSwitcher } from './panels/LayerSwitcher.tsx';
import { Legend } from './panels/Legend.tsx';
import { LiveFeed } from './panels/LiveFeed.tsx';
import { ReplayPanel } from './panels/ReplayPanel.tsx';
import { HeatSlider } from './panels/HeatSlider.tsx';
import { WorkerPanel } from './panels/WorkerPanel.tsx';
import { CityDetail, ClassFilter } from './panels/CityPanel.tsx';
import { CameraPanel, TicketCameras, useCamerasLayer, VideoGrid } from './city/CamerasFeature.tsx';
import { ViewBreadcrumb } from './panels/ViewBreadcrumb.tsx';
import { RangePicker } from './panels/RangePicker.tsx';
import { ChoroplethLegend } from './panels/ChoroplethLegend.tsx';
import { TrendChart } from './panels/charts/TrendChart.tsx';
import { AreaRankingChart } from './panels/charts/AreaRankingChart.tsx';
import { KeyRankingChart } from './panels/charts/KeyRankingChart.tsx';
import { SupervisedList } from './panels/charts/SupervisedList.tsx';
import { pickWorker } from './live/workers.ts';
import { bindPatrol } from './patrol/state.ts';
import { clearSelection } from './selection.ts';
import { getState } from './store.ts';

export function App() {
  useCamerasLayer();
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
        <CameraPanel />
        <TicketCameras />
        <CityDetail />
        <Slot share={1.7}>
          <ChoroplethLegend />
        </Slot>
        <Slot share={3}>
          <AreaRankingChart />
        </Slot>
        <Slot share={2}>
          <TrendChart />
        </Slot>
        <Slot share={2}>
          <KeyRankingChart by="item" />
        </Slot>
        <Slot share={2}>
          <KeyRankingChart by="source" />
        </Slot>
        <Slot share={2}>
          <CoveragePanel />
        </Slot>
      </LeftColumn>
      <MapCentre
        top={
          <>
            <ViewBreadcrumb />
            <div className="map-top-row">
              <LayerSwitcher />
              <RangePicker />
              <CarouselBadge />
            </div>
          </>
        }
        bottom={
          <>
            <HeatSlider />
            <ReplayPanel />
            <ClassFilter />
            <div className="map-bottom-row">
              <Legend />
              <Attribution />
            </div>
          </>
        }
      />
      <RightColumn>
        <Slot share={4}>
          <VideoGrid />
        </Slot>
        <Slot share={3}>
          <LiveFeed />
        </Slot>
        <Slot share={2}>
          <SupervisedList />
        </Slot>
        <Slot share={2}>
          <KeyRankingChart by="department" />
        </Slot>
        <Slot share={2}>
          <KeyRankingChart by="platform" />
        </Slot>
      </RightColumn>
    </div>
  );
}
