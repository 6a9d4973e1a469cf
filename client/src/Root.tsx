// What the page is: the sign-in page before anyone is signed in, then the wall, with the
// sign-in form over it whenever the session ends (the wall stays mounted underneath).
import { App } from './App.tsx';
import { SignIn } from './auth/SignIn.tsx';
import { useWall } from './store.ts';

export function Root() {
  const signedIn = useWall((s) => s.account !== null);
  const auth = useWall((s) => s.auth);
  if (!signedIn) return auth === 'signed-out' ? <SignIn overlay={false} /> : <div className="wall" data-testid="starting" />;
  return (
    <>
      <App />
      {auth === 'signed-out' && <SignIn overlay />}
    </>
  );
}
