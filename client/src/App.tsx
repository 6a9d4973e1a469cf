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
import { CoveragePanel, CoverageToggle } from './panels/CoveragePanel.tsx';
import { ReplayPanel } from './panels/ReplayPanel.tsx';
import { HeatSlider } from './panels/HeatSlider.tsx';
import { WorkerPanel } from './panels/WorkerPanel.tsx';
import { CityPanel } from './panels/CityPanel.tsx';
import { CamerasFeature } from './city/CamerasFeature.tsx';
import { pickWorker } from './live/workers.ts';
import { bindPatrol } from './patrol/state.ts';
import { clearSelection } from './selection.ts';
import { getState } from './store.ts';
import { ViewBreadcrumb } from './panels/ViewBreadcrumb.tsx';
import { RangePicker } from './panels/RangePicker.tsx';
import { ChoroplethLegend } from './panels/ChoroplethLegend.tsx';
import { TrendChart } from './panels/charts/TrendChart.tsx';
import { AreaRankingChart } from './panels/charts/AreaRankingChart.tsx';
import { CityRankingChart } from './panels/charts/CityRankingChart.tsx';
import { SupervisedList } from './panels/charts/SupervisedList.tsx';

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
      <ViewBreadcrumb />
      <div className="left-column" data-occludes>
        <RangePicker />
        <ChoroplethLegend />
        <AreaRankingChart />
        <TrendChart />
        <CityRankingChart by="department" />
        <CityRankingChart by="platform" />
        <CityRankingChart by="item" />
        <SupervisedList />
      </div>
      <div className="right-column" data-occludes>
        <DistrictChart />
        <CoveragePanel />
        <LiveFeed />
      </div>
      <GridPanel />
      <WorkerPanel />
      <CityPanel />
      <ReplayPanel />
      <CamerasFeature />
      <HeatSlider />
      <div className="bottom-left" data-occludes>
        <CoverageToggle />
        <Legend />
      </div>
      <Attribution />
    </div>
  );
}
