// A stored ticket record as clients see it: names resolved from the net.
import type { Net } from '../net/types.ts';
import { locationOf } from '../net/hierarchy.ts';
import { ticketId, type Ticket, type TicketRecord } from './ticket.ts';

export function presentTicket(net: Net, r: TicketRecord): Ticket {
  return {
    id: ticketId(r.seq),
    createdAt: new Date(r.createdAt).toISOString(),
    lon: r.lon,
    lat: r.lat,
    category: r.category,
    description: r.description,
    source: r.source,
    status: r.status,
    ...locationOf(net, r.gridCode),
  };
}
