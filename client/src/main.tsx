import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { wallHandle } from './map/testHandle.ts';
import './styles.css';

wallHandle();
createRoot(document.getElementById('root')!).render(<App />);
