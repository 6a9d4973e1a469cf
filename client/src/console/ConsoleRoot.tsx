// What /console shows: the sign-in page before anyone is signed in, then the console, with
// the sign-in form over it whenever the session ends (the console keeps its state).
import { SignIn } from '../auth/SignIn.tsx';
import { useWall } from '../store.ts';
import { Console } from './Console.tsx';

/** Roles the queues answer (server/routes/queues.ts QUEUE_ROLES). */
const CONSOLE_ROLES = ['admin', 'leader', 'dispatcher', 'handler', 'worker'];

export function ConsoleRoot() {
  const account = useWall((s) => s.account);
  const auth = useWall((s) => s.auth);
  if (!account) return auth === 'signed-out' ? <SignIn overlay={false} /> : <div className="console" data-testid="starting" />;
  if (!CONSOLE_ROLES.includes(account.role)) {
    return (
      <main className="console-denied" data-testid="console-denied">
        <p>当前账号（{account.roleName}）不能使用调度台。</p>
        <a href="/">返回大屏</a>
      </main>
    );
  }
  return (
    <>
      <Console />
      {auth === 'signed-out' && <SignIn overlay />}
    </>
  );
}
