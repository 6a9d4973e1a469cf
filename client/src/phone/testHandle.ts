// window.__phone: what the end-to-end tests read of the phone page — the fixes it made and
// sent (their instants), what waits in its outbox, the jobs that went through.
export interface PhoneHandle {
  /** Signed in, the outbox and the task inbox started. */
  ready: boolean;
  fixesMade: { t: number; lon: number; lat: number }[];
  /** Instants of the fixes the server answered for (accepted, or already had). */
  fixesSent: number[];
  waiting: { fixes: number; jobs: number; failed: number };
  jobsSent: { label: string; ticketId: string | null; clientId: string | null }[];
  /** Tasks pushed over the socket (`task`), by ticket id. */
  pushed: string[];
}

declare global {
  interface Window {
    __phone?: PhoneHandle;
  }
}

/** Keeps the last 5,000 of a list the page appends to all day. */
export function remember<T>(list: T[], ...items: T[]): void {
  list.push(...items);
  if (list.length > 5000) list.splice(0, list.length - 5000);
}

export function phoneHandle(): PhoneHandle {
  window.__phone ??= { ready: false, fixesMade: [], fixesSent: [], waiting: { fixes: 0, jobs: 0, failed: 0 }, jobsSent: [], pushed: [] };
  return window.__phone;
}
