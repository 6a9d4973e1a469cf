// Every write and every sign-in, failed ones too, goes to the append-only audit log once
// its answer is sent: who, when, from where, what, the status, and for changed records
// the state before and after (handlers put them in `req.audit`).
import type { FastifyInstance } from 'fastify';
import type { AuditStore } from '../store/types.ts';

export interface AuditNote {
  /** Who, when not a signed-in principal (the username a sign-in tried). */
  actor?: string;
  kind?: string;
  target?: string;
  before?: unknown;
  after?: unknown;
}

declare module 'fastify' {
  interface FastifyRequest {
    audit: AuditNote | null;
  }
  interface FastifyContextConfig {
    /** 'failures': a high-volume write (positions) whose refusals only are audited. */
    audit?: 'failures';
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function installAudit(app: FastifyInstance, audit: AuditStore, now: () => number): void {
  app.decorateRequest('audit', null);
  app.addHook('onResponse', async (req, reply) => {
    if (READS.has(req.method) && !req.audit) return;
    if (req.routeOptions.config?.audit === 'failures' && reply.statusCode < 400) return;
    const note = req.audit ?? {};
    const params = req.params && typeof req.params === 'object' && Object.keys(req.params).length ? JSON.stringify(req.params) : null;
    try {
      await audit.append({
        at: now(),
        actor: req.principal?.id ?? note.actor ?? 'anonymous',
        role: req.principal?.role ?? null,
        address: req.ip,
        kind: note.kind ?? `${req.method} ${req.routeOptions.url ?? req.url.split('?')[0].slice(0, 200)}`,
        target: note.target ?? params,
        status: reply.statusCode,
        before: note.before,
        after: note.after,
      });
    } catch (e) {
      // The answer is already sent; a full disk must not turn into a crash.
      req.log.error({ err: e }, 'audit: entry not written');
    }
  });
}
