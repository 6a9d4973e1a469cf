// The phone's live socket: tasks pushed to this worker (`task`, to the worker's own sockets)
// and the tickets of their grid (`ticket`) that may turn into a task. Connected like the
// wall's (client/src/live/socket.ts): the session cookie authenticates the handshake, the
// area is the worker's own grid. A reconnect (the phone back from a dead zone) re-reads the
// inbox and sends what waits in the outbox.
import { io, type Socket } from 'socket.io-client';
import { renew } from '../auth/session.ts';
import type { Ticket } from '../console/types.ts';
import { loadTasks, taskPushed, ticketChanged } from './inbox.ts';
import { kick } from './outbox.ts';
import { setPhone } from './state.ts';

export function startLive(area: string): () => void {
  const socket: Socket = io({ query: { area } });
  let refused = 0;
  let stopped = false;

  socket.on('connect', () => {
    refused = 0;
    setPhone({ live: 'online', online: true });
    // A recovered session got what it missed from Socket.IO itself; otherwise ask.
    if (!socket.recovered) void loadTasks();
    kick();
  });
  socket.on('disconnect', (reason) => {
    setPhone({ live: 'offline' });
    if (reason === 'io server disconnect') setTimeout(() => stopped || socket.connect(), 1000 + Math.random() * 2000);
  });
  socket.on('connect_error', (err) => {
    setPhone({ live: 'offline' });
    if (socket.active) return; // a transport problem: the manager retries by itself
    // Refused by the server's middleware: renew an expired session, then try again.
    const backoff = refused++ === 0 ? 0 : Math.min(30_000, 1000 * 2 ** refused) * (0.5 + Math.random() / 2);
    const later = (ms: number) => setTimeout(() => stopped || socket.connect(), ms);
    if (err.message.startsWith('unauthorized')) void renew().then(() => later(backoff));
    else later(Math.max(backoff, 5000));
  });

  socket.on('task', (m: { ticket?: Ticket }) => {
    if (m?.ticket?.id) taskPushed(m.ticket);
  });
  socket.on('ticket', (t: Ticket) => ticketChanged(t));

  return () => {
    stopped = true;
    socket.close();
  };
}
