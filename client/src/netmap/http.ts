// GET a JSON answer through the session (renewed on a 401), as client/src/api.ts does; kept
// here so the wall's charts add no lines to the shared api.ts.
import { apiFetch } from '../auth/session.ts';
import { HttpError } from '../api.ts';

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const res = await apiFetch(path, { signal, headers: { accept: 'application/json' } });
  if (!res.ok) throw new HttpError(res.status, `${path}: ${res.status}`);
  return (await res.json()) as T;
}
