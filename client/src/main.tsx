// Three pages from one entry, each its own chunk so none loads another's code: the
// dispatcher console (调度台) under /console, the grid worker's phone (网格通) under /phone,
// the wall everywhere else.
import './styles.css';
import './layout.css';

if (/^\/console(\/|$)/.test(window.location.pathname)) {
  void import('./console/main.tsx');
} else if (/^\/phone(\/|$)/.test(window.location.pathname)) {
  void import('./phone/main.tsx');
} else {
  performance.mark('wall:start');
  // The wall's root font size follows the screen (layout.css); the console's and phone's do not.
  document.documentElement.classList.add('wall-page');
  void (async () => {
    const [{ createRoot }, { Root }, { startSession }, { loadMeta, loadScope }, { wallHandle }] = await Promise.all([
      import('react-dom/client'),
      import('./Root.tsx'),
      import('./auth/session.ts'),
      import('./live/sync.ts'),
      import('./map/testHandle.ts'),
    ]);
    wallHandle();
    // Who is signed in first (a display's token, the session cookie, or the sign-in page);
    // the vocabulary and the scope's frame are asked for as soon as someone is.
    void startSession();
    void loadMeta();
    void loadScope();
    createRoot(document.getElementById('root')!).render(<Root />);
  })();
}
