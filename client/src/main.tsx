import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadMeta } from './live/sync.ts';
import { wallHandle } from './map/testHandle.ts';
import './styles.css';

performance.mark('wall:start');
wallHandle();
// The vocabulary and the city's frame are needed by everything: ask before React mounts.
void loadMeta();
createRoot(document.getElementById('root')!).render(<App />);
