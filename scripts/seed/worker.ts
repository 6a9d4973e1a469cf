// The generator's thread: runs the history (generate.ts) and sends its rows, encoded
// (codec.ts), a batch at a time to the thread that writes the store; it waits while
// `MAX_IN_FLIGHT` batches are not yet written, so memory stays flat.
import { parentPort, workerData } from 'node:worker_threads';
import { KPI_COLUMNS } from '../../server/store/sqlite-kpi.ts';
import { searchTextOf, TICKET_COLUMNS, ticketValues, TIMELINE_COLUMNS, timelineValues } from '../../server/store/sqlite-tickets.ts';
import { generate, type GenerateOptions } from './generate.ts';
import { RowEncoder, Vocabulary, type EncodedRows } from './codec.ts';

export interface Batch {
  words: string[];
  tickets: EncodedRows;
  texts: string[];
  timeline: EncodedRows;
  kpi: EncodedRows;
}
export type FromWorker = { batch: Batch } | { log: string } | { done: { tickets: number; kpiRows: number; waitedMs: number } };
export interface WorkerInput extends GenerateOptions {
  /** Batches sent and not yet written (an Int32 the writer decrements). */
  inFlight: SharedArrayBuffer;
}

const MAX_IN_FLIGHT = 4;
/** Columns whose strings are one-offs (not worth a vocabulary entry). */
const oneOff = (columns: readonly string[], names: string[]) => new Set(names.map((n) => columns.indexOf(n)).filter((i) => i >= 0));

const o = workerData as WorkerInput;
const port = parentPort!;
const inFlight = new Int32Array(o.inFlight);
const vocab = new Vocabulary();
const tickets = new RowEncoder(TICKET_COLUMNS.length, vocab, oneOff(TICKET_COLUMNS, ['client_id', 'reporter_name', 'reporter_phone', 'duplicate_of']));
const timeline = new RowEncoder(TIMELINE_COLUMNS.length, vocab, oneOff(TIMELINE_COLUMNS, ['data']));
const kpi = new RowEncoder(KPI_COLUMNS.length, vocab, new Set());
let texts: string[] = [];
const kpiRow: unknown[] = new Array(KPI_COLUMNS.length);
/** Time spent waiting for the writer (the generator is the bottleneck while this stays small). */
let waitedMs = 0;

const result = generate(o, {
  ticket(t) {
    tickets.push(ticketValues(t));
    texts.push(searchTextOf(t));
  },
  timeline: (ticket, e) => timeline.push(timelineValues(ticket, e)),
  kpi(dim, key, day, counts) {
    kpiRow[0] = dim;
    kpiRow[1] = key;
    kpiRow[2] = day;
    for (let i = 0; i < counts.length; i++) kpiRow[3 + i] = counts[i];
    kpi.push(kpiRow);
  },
  batch() {
    const b: Batch = { words: vocab.fresh(), tickets: tickets.take(), texts, timeline: timeline.take(), kpi: kpi.take() };
    texts = [];
    let n = Atomics.add(inFlight, 0, 1) + 1;
    port.postMessage({ batch: b } satisfies FromWorker, [b.tickets.nums.buffer, b.tickets.kinds.buffer, b.timeline.nums.buffer, b.timeline.kinds.buffer, b.kpi.nums.buffer, b.kpi.kinds.buffer] as ArrayBuffer[]);
    if (n >= MAX_IN_FLIGHT) {
      const t0 = performance.now();
      while (n >= MAX_IN_FLIGHT) {
        Atomics.wait(inFlight, 0, n);
        n = Atomics.load(inFlight, 0);
      }
      waitedMs += performance.now() - t0;
    }
  },
  log: (line) => port.postMessage({ log: line } satisfies FromWorker),
});
port.postMessage({ done: { ...result, waitedMs: Math.round(waitedMs) } } satisfies FromWorker);
