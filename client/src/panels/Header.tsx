// The top band: product title, today's counts, clock, connection and who is signed in.
import { Clock } from './Clock.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { TodayCounts } from './TodayCounts.tsx';
import { UserBadge } from './UserBadge.tsx';

export function Header() {
  return (
    <header className="header" data-occludes>
      <h1 className="title">
        <span className="title-main">常州市 一张网</span>
        <span className="title-sep"> · </span>
        <span className="title-sub">网格化社会治理指挥中心</span>
      </h1>
      <TodayCounts />
      <div className="header-right">
        <Clock />
        <ConnectionBadge />
        <UserBadge />
      </div>
    </header>
  );
}
