// What the live feed may hold in memory, bounded: what waits for one client, and what is
// kept for clients that left.
//
//   boundQueues(io.engine, { packets: 2000, bytes: 8 << 20 }, log)   // per connection
//   new Server(http, { adapter: cappedRecovery({ packets: 5000, replay: 1000 }) })
//
// A client that stops reading (its TCP window full, or a polling client that never polls)
// leaves every packet for it in its Engine.IO `writeBuffer`: the websocket transport only
// takes the next batch when the last one's send callback fires, and that waits for the
// peer. Socket.IO's recovery buffer keeps every broadcast for maxDisconnectionDuration
// whether or not anyone will ask for it. Both grew without bound under load.
import { SessionAwareAdapter, type BroadcastOptions, type PrivateSessionId, type Session } from 'socket.io-adapter';
import type { Server } from 'socket.io';
import type { LiveLog } from './events.ts';

/** The parts of an Engine.IO socket used here (`writeBuffer` is private in its types). */
interface Conn {
  readyState: string;
  writeBuffer: unknown[];
  transport: { name: string; socket?: { terminate?(): void } };
  request?: { socket?: { remoteAddress?: string } };
  close(discard?: boolean): void;
  on(event: 'packetCreate', fn: (p: { data?: unknown }) => void): void;
  on(event: 'flush', fn: () => void): void;
}

/**
 * Disconnects a client as soon as more than `packets` packets, or `bytes` of them, wait
 * for it. Evicting is the only answer for frames that must all arrive (tickets: the wall
 * resyncs over HTTP when it comes back); frames that may be lost (positions) are to be
 * emitted `volatile`, which Socket.IO drops while the transport is not writable, so they
 * never queue at all.
 */
export function boundQueues(engine: Server['engine'], max: { packets: number; bytes: number }, log: LiveLog): void {
  engine.on('connection', (conn: Conn) => {
    let bytes = 0; // of the packets in writeBuffer, which 'flush' hands to the transport whole
    conn.on('flush', () => (bytes = 0));
    conn.on('packetCreate', (p) => {
      // Strings count by length: a bound, not an accounting.
      bytes += typeof p.data === 'string' ? p.data.length : p.data instanceof ArrayBuffer || ArrayBuffer.isView(p.data) ? p.data.byteLength : 0;
      if (conn.writeBuffer.length < max.packets && bytes <= max.bytes) return;
      log.warn({ queued: conn.writeBuffer.length, bytes, address: conn.request?.socket?.remoteAddress }, 'live: client not reading, disconnected');
      // Synchronously, so the rest of a burst is not queued for it: with `discard` close()
      // does not wait for a drain that will never come, and the websocket is destroyed
      // rather than closed, which would wait (up to 30 s) for its close frame to get through.
      const ws = conn.transport.name === 'websocket' ? conn.transport.socket : undefined;
      conn.close(true);
      ws?.terminate?.();
    });
  });
}

/**
 * Socket.IO's in-memory recovery adapter, bounded by count as well as by time: it keeps
 * the last `packets` broadcasts (all rooms together). A client whose offset has been
 * dropped is not recovered (its wall resyncs over HTTP), nor is one that missed more than
 * `replay`: the missed packets are written to it at once, and must fit well inside the
 * queue bound above or the recovered client would be evicted on arrival.
 */
export function cappedRecovery(max: { packets: number; replay: number }) {
  return class CappedRecoveryAdapter extends SessionAwareAdapter {
    /** Upstream's buffer (private in its types; the tests check it stays within the cap). */
    get kept(): unknown[] {
      return (this as unknown as { packets: unknown[] }).packets;
    }

    override broadcast(packet: any, opts: BroadcastOptions): void {
      super.broadcast(packet, opts);
      const kept = this.kept;
      while (kept.length > max.packets) kept.shift();
    }

    override async restoreSession(pid: PrivateSessionId, offset: string): Promise<Session> {
      const session = await super.restoreSession(pid, offset);
      // Typed as Session, but upstream resolves null for "not recoverable".
      return (session && session.missedPackets.length > max.replay ? null : session) as Session;
    }
  };
}
