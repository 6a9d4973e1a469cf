// The wall's frame (layout.css draws it): the header band, a left and a right column of
// panels, and the centre over the map. A feature mounts its panel with one line:
//   <LeftColumn> … <Slot share={2}><StreetRanking /></Slot> … </LeftColumn>
// Panels stack top to bottom in the order written; each slot gets `share` parts of its
// column's height (1 unless told), a slot whose panel renders nothing takes no room, and a
// panel never scrolls: it shows what fits. The selected grid's (or worker's) panel, when a
// direct child of <LeftColumn>, takes the whole column while it is open.
import type { CSSProperties, ReactNode } from 'react';

export function LeftColumn({ children }: { children: ReactNode }) {
  return (
    <div className="column left-column" data-testid="left-column">
      {children}
    </div>
  );
}

export function RightColumn({ children }: { children: ReactNode }) {
  return (
    <div className="column right-column" data-testid="right-column">
      {children}
    </div>
  );
}

/** One panel's place in a column: `share` parts of the column's height. */
export function Slot({ share = 1, children }: { share?: number; children: ReactNode }) {
  return (
    <div className="slot" style={{ '--share': share } as CSSProperties} data-occludes>
      {children}
    </div>
  );
}

/** Over the map, between the columns: a bar at the top (layer switcher, carousel) and one at
 * the bottom (replay, legend, attribution); the map between them stays free. */
export function MapCentre({ top, bottom }: { top: ReactNode; bottom: ReactNode }) {
  return (
    <div className="map-centre">
      <div className="map-top">{top}</div>
      <div className="map-bottom">{bottom}</div>
    </div>
  );
}
