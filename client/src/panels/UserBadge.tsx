// Who is signed in: name, role and scope; 退出 for people (a wall display has no one to sign out).
import { useState } from 'react';
import { signOut } from '../auth/session.ts';
import { useWall } from '../store.ts';

export function UserBadge() {
  const account = useWall((s) => s.account);
  const scope = useWall((s) => s.scope);
  const [leaving, setLeaving] = useState(false);
  if (!account) return null;
  const isDisplay = account.kind === 'display' || account.role === 'display';
  return (
    <div className="user" data-testid="user">
      <div className="user-text">
        <div className="user-name" data-testid="user-name">
          {account.name}
        </div>
        <div className="user-role" data-testid="user-role">
          {account.roleName}
          {scope && scope.code === account.scope ? ` · ${scope.name}` : ''}
        </div>
      </div>
      {!isDisplay && (
        <button
          type="button"
          className="user-signout"
          data-testid="sign-out"
          disabled={leaving}
          onClick={() => {
            setLeaving(true);
            void signOut();
          }}
        >
          退出
        </button>
      )}
    </div>
  );
}
