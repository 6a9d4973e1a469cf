// The ONE socket → store bridge. Everything live on the wall enters here.
import { io, type Socket } from 'socket.io-client';
import { startOfTodayIso } from '../api.ts';
import { renew, wallArea } from '../auth/session.ts';
import { STATS_REFRESH_MS } from '../config.ts';
import { getState, setState } from '../store.ts';
import type { Ticket } from '../types.ts';
import { measureUpdate } from './metrics.ts';
import { refreshStats, resyncToday } from './sync.ts';
import { applyTicket } from './tickets.ts';

export function startLive(onSynced?: () => void): () => void {
  // The handshake is authenticated by the session cookie; the area is the account's scope.
  const socket: Socket = io({ query: { area: wallArea() } });
  let refused = 0;
  let stopped = false;
  let todayStart = Date.parse(startOfTodayIso());
  let syncing: Promise<void> | null = null;
  // Tickets that arrive while a re-sync is in flight are applied after it (by id, so no double count).
  let queue: Ticket[] = [];

  const resync = (): Promise<void> => {
    if (syncing) return syncing;
    queue = [];
    todayStart = Date.parse(startOfTodayIso());
    syncing = resyncToday()
      .then(() => {
        const pending = queue;
        queue = [];
        syncing = null;
        for (const t of pending) applyTicket(t, todayStart);
        onSynced?.();
      })
      .catch((e: unknown) => {
        // Keep the live part flowing while the server cannot give us the list; try again soon.
        console.warn('resync failed', e);
        const pending = queue;
        queue = [];
        syncing = null;
        for (const t of pending) applyTicket(t, todayStart);
        setTimeout(() => void resync(), 5000);
      });
    return syncing;
  };

  socket.on('connect', () => {
    refused = 0;
    setState({ connection: 'online' });
    // A recovered session (a short blip) gets what it missed from Socket.IO itself.
    if (!socket.recovered) void resync();
  });
  socket.on('disconnect', (reason) => {
    setState({ connection: 'reconnecting' });
    // A server shutting down disconnects us on purpose, and socket.io then does not retry by
    // itself. A wall never gives up: try again (the manager's backoff takes over from there).
    if (reason === 'io server disconnect') setTimeout(() => socket.connect(), 1000 + Math.random() * 2000);
  });
  socket.io.on('reconnect_attempt', () => setState({ connection: 'reconnecting' }));
  socket.on('connect_error', (err) => {
    if (socket.active) {
      // A transport problem: the manager retries by itself.
      if (getState().connection !== 'online') setState({ connection: 'reconnecting' });
      return;
    }
    // Refused by the server (its middleware): socket.io does not retry that by itself.
    // An expired session is renewed (refresh, or the sign-in form) before trying again.
    setState({ connection: 'reconnecting' });
    const backoff = refused++ === 0 ? 0 : Math.min(30_000, 1000 * 2 ** refused) * (0.5 + Math.random() / 2);
    const later = (ms: number) => setTimeout(() => stopped || socket.connect(), ms);
    if (err.message.startsWith('unauthorized')) void renew().then(() => later(backoff));
    else {
      console.warn('live refused', err.message);
      later(Math.max(backoff, 5000));
    }
  });

  socket.on('ticket', (t: Ticket) => {
    // The first ticket of a new CST day: start the day afresh (list and counts).
    if (!syncing && Date.parse(startOfTodayIso()) !== todayStart) void resync();
    if (syncing) {
      queue.push(t);
      return;
    }
    measureUpdate(() => applyTicket(t, todayStart));
  });

  const timer = setInterval(() => {
    if (syncing || !socket.connected) return;
    refreshStats()
      .then((sameDay) => {
        if (!sameDay || Date.parse(startOfTodayIso()) !== todayStart) void resync();
      })
      .catch((e: unknown) => console.warn('stats refresh', e));
  }, STATS_REFRESH_MS);

  return () => {
    stopped = true;
    clearInterval(timer);
    socket.close();
  };
}
