// 网格通, the grid worker's phone page at /phone: its own chunk, loaded by client/src/main.tsx.
// It shares the wall's session (auth/session.ts: sign-in page, silent refresh, the form over
// the page when the session ends) and nothing else of the wall: no map, no deck.gl.
import { createRoot } from 'react-dom/client';
import { startSession } from '../auth/session.ts';
import { PhoneRoot } from './PhoneRoot.tsx';
import './phone.css';
import './phone-views.css';

document.title = '网格通 · 常州市 一张网';
document.documentElement.classList.add('phone-page');
// index.html is laid out for the wall (width=1920): a phone needs its own width.
document.querySelector('meta[name="viewport"]')?.setAttribute('content', 'width=device-width, initial-scale=1, viewport-fit=cover');
void startSession();
createRoot(document.getElementById('root')!).render(<PhoneRoot />);
