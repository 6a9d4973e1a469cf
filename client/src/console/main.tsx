// The dispatcher console (调度台) at /console: its own chunk, loaded by client/src/main.tsx.
// It shares the wall's session (auth/session.ts: sign-in page, silent refresh, the form
// over the page when the session ends) and its colours (styles.css), nothing else.
import { createRoot } from 'react-dom/client';
import { startSession } from '../auth/session.ts';
import { ConsoleRoot } from './ConsoleRoot.tsx';
import './console.css';

document.title = '调度台 · 常州市 一张网';
document.documentElement.classList.add('console-page');
void startSession();
createRoot(document.getElementById('root')!).render(<ConsoleRoot />);
