// 登录: the whole page before anyone is signed in, or a dialog over the wall when the
// session has ended (the wall underneath keeps its map, selection and live feed).
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useWall } from '../store.ts';
import { lockedMessage, signInMessage, USERNAME_PATTERN } from './messages.ts';
import { signIn, SignInError } from './session.ts';

export function SignIn({ overlay }: { overlay: boolean }) {
  const notice = useWall((s) => s.authNotice);
  const account = useWall((s) => s.account);
  const [username, setUsername] = useState(account?.kind === 'account' ? account.username : '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  /** Locked out until (epoch ms); the message counts down to it. */
  const [lockedUntil, setLockedUntil] = useState(0);
  const [now, setNow] = useState(Date.now());
  const passwordRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (lockedUntil <= Date.now()) return;
    const timer = setInterval(() => {
      setNow(Date.now());
      if (Date.now() >= lockedUntil) {
        setLockedUntil(0);
        setError(null);
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [lockedUntil]);

  const waitS = lockedUntil > now ? Math.ceil((lockedUntil - now) / 1000) : 0;

  async function submit(e: FormEvent): Promise<void> {
    e.preventDefault();
    if (busy || waitS > 0) return;
    const name = username.trim();
    if (!name || !password) {
      setError(!name ? '请输入用户名' : '请输入密码');
      return;
    }
    if (!USERNAME_PATTERN.test(name)) {
      setError(signInMessage(new SignInError('invalid')));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(name, password);
    } catch (err) {
      setPassword('');
      if (err instanceof SignInError && err.kind === 'locked') {
        setNow(Date.now());
        setLockedUntil(Date.now() + err.retryAfterS * 1000);
      }
      setError(signInMessage(err));
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  const form = (
    <form className="signin-card" data-testid="signin" onSubmit={(e) => void submit(e)} noValidate>
      <div className="signin-brand">
        <div className="signin-title">常州市 一张网</div>
        <div className="signin-sub">网格化社会治理指挥中心</div>
      </div>
      <h2 className="signin-heading">{overlay ? '重新登录' : '登录'}</h2>
      {notice && (
        <div className="signin-notice" data-testid="signin-notice">
          {notice}
        </div>
      )}
      <label className="signin-field">
        <span>用户名</span>
        <input
          data-testid="signin-username"
          name="username"
          autoComplete="username"
          autoCapitalize="off"
          spellCheck={false}
          maxLength={64}
          autoFocus={!username}
          value={username}
          onChange={(e) => setUsername(e.target.value)}
        />
      </label>
      <label className="signin-field">
        <span>密码</span>
        <input
          ref={passwordRef}
          data-testid="signin-password"
          name="password"
          type="password"
          autoComplete="current-password"
          maxLength={128}
          autoFocus={!!username}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
        />
      </label>
      <div className="signin-error" data-testid="signin-error" role="alert">
        {waitS > 0 ? lockedMessage(waitS) : error ?? ''}
      </div>
      <button type="submit" className="signin-submit" data-testid="signin-submit" disabled={busy || waitS > 0}>
        {busy ? '登录中…' : '登录'}
      </button>
    </form>
  );

  return overlay ? (
    <div className="signin-overlay" data-testid="signin-overlay" role="dialog" aria-modal="true" aria-label="重新登录">
      {form}
    </div>
  ) : (
    <main className="signin-page" data-testid="signin-page">
      {form}
      <footer className="signin-foot">仅限授权人员使用 · 登录与操作均记录在案</footer>
    </main>
  );
}
