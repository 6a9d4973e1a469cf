// A GET bound to a path that changes with the view: re-read on every new path and once a
// minute; the last answer (null while the first is out, or when refused).
import { useEffect, useState } from 'react';
import { getJson } from './http.ts';

export function useApi<T>(path: string | null, refreshMs = 60_000): { data: T | null; error: number | null } {
  const [state, setState] = useState<{ path: string | null; data: T | null; error: number | null }>({ path: null, data: null, error: null });
  useEffect(() => {
    if (!path) return;
    const ac = new AbortController();
    const read = () =>
      getJson<T>(path, ac.signal)
        .then((data) => setState({ path, data, error: null }))
        .catch((e: { status?: number; name?: string }) => {
          if (e.name !== 'AbortError') setState((s) => ({ path, data: s.path === path ? s.data : null, error: e.status ?? 0 }));
        });
    void read();
    const t = setInterval(read, refreshMs);
    return () => {
      ac.abort();
      clearInterval(t);
    };
  }, [path, refreshMs]);
  return state.path === path ? state : { data: null, error: null };
}
