// What /phone shows: the sign-in page before anyone is signed in, then 网格通 for a grid
// worker, with the sign-in form over it whenever the session ends (the outbox keeps going
// into IndexedDB meanwhile, and sends once someone is signed in again).
import { SignIn } from '../auth/SignIn.tsx';
import { useWall } from '../store.ts';
import { Phone } from './Phone.tsx';
import { signOutOfPhone } from './signOut.ts';

export function PhoneRoot() {
  const account = useWall((s) => s.account);
  const auth = useWall((s) => s.auth);
  if (!account) return auth === 'signed-out' ? <SignIn overlay={false} /> : <div className="ph-starting" data-testid="starting" />;
  if (account.role !== 'worker') {
    return (
      <main className="ph-denied" data-testid="phone-denied">
        <p>网格通仅供网格员使用，当前账号为「{account.roleName}」。</p>
        <a className="ph-btn ph-btn-primary" href="/console">
          前往调度台
        </a>
        <button type="button" className="ph-btn" onClick={() => void signOutOfPhone()}>
          退出登录
        </button>
      </main>
    );
  }
  return (
    <>
      <Phone />
      {auth === 'signed-out' && <SignIn overlay />}
    </>
  );
}
