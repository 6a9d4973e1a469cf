import { createRoot } from 'react-dom/client';
import { Root } from './Root.tsx';
import { startSession } from './auth/session.ts';
import { loadMeta, loadScope } from './live/sync.ts';
import { wallHandle } from './map/testHandle.ts';
import './styles.css';

performance.mark('wall:start');
wallHandle();
// Who is signed in first (a display's token, the session cookie, or the sign-in page);
// the vocabulary and the scope's frame are asked for as soon as someone is.
void startSession();
void loadMeta();
void loadScope();
createRoot(document.getElementById('root')!).render(<Root />);
