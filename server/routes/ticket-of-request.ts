// The ticket a request names in its path, read from the store once per request: the
// route's access rule reads it to find the area it is about, and the handler acts on it.
import type { FastifyRequest } from 'fastify';
import { seqOfTicketId, type TicketRecord } from '../domain/ticket.ts';
import type { TicketStore } from '../store/types.ts';

export type TicketOfRequest = (req: FastifyRequest) => Promise<TicketRecord | undefined>;

/** `param`: the path parameter holding the ticket id (T + 10 digits). */
export function ticketOfRequest(store: TicketStore, param = 'id'): TicketOfRequest {
  const read = new WeakMap<FastifyRequest, Promise<TicketRecord | undefined>>();
  return (req) => {
    let r = read.get(req);
    if (!r) {
      const seq = seqOfTicketId((req.params as Record<string, string>)[param] ?? '');
      read.set(req, (r = seq ? store.get(seq) : Promise.resolve(undefined)));
    }
    return r;
  };
}
