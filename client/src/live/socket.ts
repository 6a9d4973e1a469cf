// The ONE socket → store bridge. Everything live on the wall enters here.
import { componentTicketChanged } from '../city/components.ts';
import { io, type Socket } from 'socket.io-client';
import { renew, wallArea } from '../auth/session.ts';
import { STATS_REFRESH_MS } from '../config.ts';
import { getState, setState } from '../store.ts';
import type { LiveTicket, TodayStats } from '../types.ts';
import { measureUpdate } from './metrics.ts';
import { serverClockKnown, serverDayStart, serverNow, noteServerTime } from './serverClock.ts';
import { refreshStats, resyncToday } from './sync.ts';
import { applyTicket, showStats } from './tickets.ts';
import { clearWorkers, exposeWorkers, receivePositions } from './workers.ts';
import { receiveCamera } from '../city/cameras.ts';

const DAY_MS = 86_400_000;
/** Events kept while no day is loaded yet (the first load failing for a while). */
const QUEUE_MAX = 20_000;

export function startLive(onSynced?: () => void): () => void {
  // The handshake is authenticated by the session cookie; the area is the account's scope.
  // The wall shows the grid phones: `layers` puts it in its area's positions room.
  const socket: Socket = io({ query: { area: wallArea() }, auth: { layers: ['workers', 'cameras'] } });
  let refused = 0;
  let stopped = false;
  let syncing: Promise<void> | null = null;
  // Tickets that arrive while a re-sync is in flight are applied after it; the dots'
  // watermark and the versions drop those the new snapshot already holds.
  let queue: LiveTicket[] = [];
  let midnight: ReturnType<typeof setTimeout> | undefined;

  const day = () => getState().day;
  /** Whether the server's day has moved past the one shown (its clock, or a ticket of a later day). */
  const dayTurned = (createdAt?: number): boolean => {
    const d = day();
    if (!d) return false;
    if (createdAt !== undefined && createdAt >= d.start + DAY_MS) return true;
    return serverClockKnown() && serverDayStart() !== d.start;
  };

  const drain = (): void => {
    const pending = queue;
    queue = [];
    const d = day();
    if (d) for (const t of pending) applyTicket(t, d);
    else queue = pending; // no day yet: keep them for the next load
  };

  // Re-sync a little after the server's midnight, in case no ticket or figure says so first.
  // (The timer only schedules; whether the day has turned is asked of the server's clock.)
  const armMidnight = (): void => {
    clearTimeout(midnight);
    const d = day();
    if (!d || stopped) return;
    const wait = Math.max(1000, d.start + DAY_MS - serverNow() + 1500 + Math.random() * 3000);
    midnight = setTimeout(() => {
      if (dayTurned()) void resync();
      else armMidnight();
    }, Math.min(wait, 3_600_000));
  };

  const resync = (): Promise<void> => {
    if (syncing) return syncing;
    syncing = resyncToday()
      .then(() => {
        syncing = null;
        drain();
        armMidnight();
        onSynced?.();
      })
      .catch((e: unknown) => {
        // Keep the live part flowing while the server cannot give us the day; try again soon.
        console.warn('resync failed', e);
        syncing = null;
        drain();
        setTimeout(() => stopped || void resync(), 5000);
      });
    return syncing;
  };

  socket.on('connect', () => {
    refused = 0;
    setState({ connection: 'online' });
    // A recovered session (a short blip) gets what it missed from Socket.IO itself.
    if (!socket.recovered || !day()) void resync();
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

  // The grid phones: binary frames (server/domain/positions-frame.ts), sent volatile. A wall
  // that (re)joins gets a snapshot first, which replaces what it had; a lost delta leaves
  // those devices where they were until they next move.
  exposeWorkers();
  socket.on('positions', (bytes: ArrayBuffer) => {
    receivePositions(bytes);
  });

  // A camera's status (a few a minute city-wide): written in place into the camera store.
  socket.on('camera', receiveCamera);

  socket.on('ticket', (t: LiveTicket) => {
    if (t.component) componentTicketChanged(t.component);
    // A ticket of the server's next day: start that day afresh (its dots, feed and figures).
    if (!syncing && dayTurned(Date.parse(t.createdAt))) void resync();
    const d = day();
    if (syncing || !d) {
      if (queue.length < QUEUE_MAX) queue.push(t);
      return;
    }
    measureUpdate(() => applyTicket(t, d));
  });

  // Today's figures, pushed (coalesced, at most one a second) after changes in our area.
  socket.on('stats', (st: TodayStats) => {
    noteServerTime(st.serverTime);
    const d = day();
    if (d && st.date !== d.date) {
      if (st.date > d.date && !syncing) void resync();
      return;
    }
    showStats(st);
  });

  const timer = setInterval(() => {
    if (syncing || !socket.connected) return;
    if (dayTurned()) {
      void resync();
      return;
    }
    refreshStats()
      .then((sameDay) => {
        if (!sameDay || dayTurned()) void resync();
      })
      .catch((e: unknown) => console.warn('stats refresh', e));
  }, STATS_REFRESH_MS);

  return () => {
    stopped = true;
    clearInterval(timer);
    clearTimeout(midnight);
    socket.close();
    clearWorkers(); // the next account's wall starts from its own snapshot
  };
}
