// 在线 / 重连中: whether the live feed is flowing.
import { useWall } from '../store.ts';

const TEXT = { online: '在线', reconnecting: '重连中', connecting: '连接中' } as const;

export function ConnectionBadge() {
  const connection = useWall((s) => s.connection);
  return (
    <div className={`conn conn-${connection}`} data-testid="connection" data-state={connection}>
      <span className="conn-dot" />
      {TEXT[connection]}
    </div>
  );
}
