// The top band: who is signed in and their grid, whether the phone reaches the server, and
// how much waits in the outbox (待发送) — the worker in a dead zone sees that nothing is lost.
import { useState } from 'react';
import { useWall } from '../store.ts';
import { signOutOfPhone } from './signOut.ts';
import { showTab, usePhone } from './state.ts';

export function PhoneHeader() {
  const account = useWall((s) => s.account)!;
  const grids = usePhone((s) => s.grids);
  const online = usePhone((s) => s.online && s.live !== 'offline');
  const waiting = usePhone((s) => s.outbox.jobs + s.outbox.fixes);
  const failed = usePhone((s) => s.outbox.failed.length);
  const sending = usePhone((s) => s.outbox.sending);
  const [menu, setMenu] = useState(false);
  return (
    <header className="ph-header">
      <div className="ph-who">
        <span className="ph-brand">网格通</span>
        <span className="ph-name" data-testid="worker-name">
          {account.name}
        </span>
        <span className="ph-grid" data-testid="worker-grid">
          {grids.length ? grids.map((g) => g.name).join('、') : '未分配网格'}
        </span>
      </div>
      <div className="ph-status">
        <span className={`ph-pill ${online ? 'ph-pill-ok' : 'ph-pill-off'}`} data-testid="net-status" data-online={online}>
          {online ? '在线' : '离线'}
        </span>
        {(waiting > 0 || failed > 0) && (
          <button type="button" className={`ph-pill ${failed ? 'ph-pill-bad' : 'ph-pill-wait'}`} data-testid="outbox-pill" onClick={() => showTab('patrol')}>
            {failed ? `未送达 ${failed}` : sending && online ? '发送中…' : `待发送 ${waiting}`}
          </button>
        )}
        <button type="button" className="ph-menu" aria-label="更多" aria-expanded={menu} onClick={() => setMenu(!menu)}>
          ⋮
        </button>
        {menu && (
          <div className="ph-menu-pop" role="menu">
            <div className="ph-menu-who">
              {account.username} · {account.roleName}
            </div>
            <button type="button" role="menuitem" className="ph-btn" data-testid="sign-out" onClick={() => void signOutOfPhone()}>
              退出登录
            </button>
          </div>
        )}
      </div>
    </header>
  );
}
