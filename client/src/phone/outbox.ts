// The outbox (待发送): everything the phone makes that the server must get once — patrol
// fixes, reports with their photos, steps taken on tasks — is written to IndexedDB first and
// sent from there, in the order it was made, whenever the network lets it. A dead zone, a
// reload or a killed tab loses nothing.
//
//   startOutbox(username, hooks);   // sends what waits, then keeps sending
//   await addFix(fix);              // a patrol fix: sent in batches (every 10 s while online)
//   await addJob(job);              // a report, a self-handled case, a step on a task: at once
//   kick();                         // try now (back online, socket reconnected)
//
// "Once": a report carries the clientId made when it was made (the server stores one ticket
// per key); the server drops a fix it already has (same device, same instant); a photo whose
// upload got no answer is looked for in the ticket's timeline by its SHA-256 before it is
// sent again; an action carries the ticket's version, so a second copy is refused (409) and
// is then recognised in the timeline. Each step's progress is written back before the next,
// so a reload resumes a job where it stopped. Only one tab sends (a Web Lock).
import { byOwner, countOthers, countOwner, openPhoneDb, put, add, remove } from './idb.ts';
import { PhoneError, fetchTimeline, postAction, postPositions, postReport, uploadPhoto, type ReportBody, type WireFix } from './api.ts';
import { getPhone, setPhone } from './state.ts';
import { phoneHandle, remember } from './testHandle.ts';
import type { Ticket } from '../console/types.ts';

export interface StoredFix extends WireFix {
  seq?: number;
  owner: string;
}

export interface PhotoEntry {
  kind: 'before' | 'after';
  blob: Blob;
  name: string;
  hash: string | null;
  /** An upload was started: without its answer, the timeline is asked before another. */
  tried: boolean;
  sent: boolean;
}

export interface Job {
  seq?: number;
  owner: string;
  /** 'report' stores a ticket first; 'task' acts on one the server already has. */
  kind: 'report' | 'task';
  /** When the worker made it (epoch ms): a report that waited is stored with this time. */
  createdAt: number;
  /** What the worker reads in the outbox list. */
  label: string;
  /** The report as sent, every time (a resend must be the same request): `observedAt` is set
   * at the first attempt when the report was made offline or has waited. */
  report: ReportBody | null;
  /** Made while the phone knew it was offline. */
  madeOffline: boolean;
  reportTries: number;
  ticketId: string | null;
  /** The ticket's version as this job last saw it (each photo moves it on). */
  version: number | null;
  photos: PhotoEntry[];
  action: { action: string; fields: Record<string, unknown> } | null;
  actionTries: number;
  actionDone: boolean;
  /** Set aside: the server refused a step as it is (status, its message). */
  failed: { status: number; message: string; at: number } | null;
}

export interface OutboxHooks {
  /** A job went through: the ticket as the server answered last. */
  jobDone(job: Job, ticket: Ticket | null): void;
  fixesSent(accepted: number): void;
}

const FIX_BATCH = 1000;
const FIX_EVERY_MS = 10_000;
/** The server takes a report's own time up to 7 days back (observedAt). */
const OBSERVED_MAX_MS = 7 * 86_400_000 - 3_600_000;
/** A report first sent later than this after it was made says when it was made. */
const WAITED_MS = 10_000;
const LOCK = 'one-net-phone-outbox';

let owner: string | null = null;
let hooks: OutboxHooks = { jobDone: () => {}, fixesSent: () => {} };
let running = false;
let again = false;
let failures = 0;
let retryTimer: ReturnType<typeof setTimeout> | undefined;
let fixTimer: ReturnType<typeof setInterval> | undefined;

export function startOutbox(username: string, h: OutboxHooks): () => void {
  owner = username;
  hooks = h;
  const online = (): void => {
    failures = 0;
    kick();
  };
  const offline = (): void => setPhone({ online: false });
  window.addEventListener('online', online);
  window.addEventListener('offline', offline);
  fixTimer = setInterval(() => void flush(), FIX_EVERY_MS);
  void refreshCounts().then(() => kick());
  return () => {
    window.removeEventListener('online', online);
    window.removeEventListener('offline', offline);
    clearInterval(fixTimer);
    clearTimeout(retryTimer);
    owner = null;
  };
}

export async function addFix(fix: WireFix): Promise<void> {
  if (!owner) return;
  await add<StoredFix>(await openPhoneDb(), 'fixes', [{ ...fix, owner }]);
  remember(phoneHandle().fixesMade, { t: fix.t, lon: fix.lon, lat: fix.lat });
  setPhone((s) => ({ outbox: { ...s.outbox, fixes: s.outbox.fixes + 1 } }));
}

export async function addJob(job: Omit<Job, 'owner' | 'seq' | 'madeOffline' | 'reportTries' | 'actionTries' | 'actionDone' | 'failed'>): Promise<void> {
  if (!owner) throw new Error('outbox: nobody signed in');
  const made: Job = { ...job, owner, madeOffline: !navigator.onLine, reportTries: 0, actionTries: 0, actionDone: false, failed: null };
  await add<Job>(await openPhoneDb(), 'jobs', [made]);
  await refreshCounts();
  kick();
}

/** Try again a job the server refused (after the worker changed nothing: a 409 may pass now). */
export async function retryJob(seq: number): Promise<void> {
  const job = getPhone().outbox.failed.find((j) => j.seq === seq);
  if (!job) return;
  await put(await openPhoneDb(), 'jobs', { ...job, failed: null });
  await refreshCounts();
  kick();
}

export async function discardJob(seq: number): Promise<void> {
  await remove(await openPhoneDb(), 'jobs', [seq]);
  await refreshCounts();
}

/** Send what waits now (jobs first, then fixes), unless a send is under way. */
export function kick(): void {
  clearTimeout(retryTimer);
  void flush();
}

async function refreshCounts(): Promise<void> {
  if (!owner) return;
  const db = await openPhoneDb();
  const jobs = await byOwner<Job>(db, 'jobs', owner);
  const [fixes, otherFixes, otherJobs] = await Promise.all([countOwner(db, 'fixes', owner), countOthers(db, 'fixes', owner), countOthers(db, 'jobs', owner)]);
  const failed = jobs.filter((j) => j.failed);
  setPhone((s) => ({ outbox: { ...s.outbox, fixes, jobs: jobs.length - failed.length, failed, others: otherFixes + otherJobs } }));
  const h = phoneHandle();
  h.waiting = { fixes, jobs: jobs.length - failed.length, failed: failed.length };
}

async function flush(): Promise<void> {
  if (running) {
    again = true;
    return;
  }
  // Offline for sure: the 'online' event kicks. (onLine true proves nothing: requests tell.)
  if (!owner || !navigator.onLine) return;
  running = true;
  try {
    const locks = (navigator as Navigator & { locks?: LockManager }).locks;
    // Another tab of this phone page holds the lock: it is sending the same records.
    if (locks) await locks.request(LOCK, { ifAvailable: true }, (lock) => (lock ? sendAll() : undefined));
    else await sendAll();
  } finally {
    running = false;
    if (again) {
      again = false;
      void flush();
    }
  }
}

async function sendAll(): Promise<void> {
  const me = owner;
  if (!me) return;
  const db = await openPhoneDb();
  setPhone((s) => ({ outbox: { ...s.outbox, sending: true } }));
  let sent = false;
  try {
    // Reports and steps first: they are few and matter most; then the fixes, oldest first.
    for (;;) {
      const job = (await byOwner<Job>(db, 'jobs', me)).find((j) => !j.failed);
      if (!job) break;
      await sendJob(db, job);
      sent = true;
      await refreshCounts();
    }
    for (;;) {
      const fixes = await byOwner<StoredFix>(db, 'fixes', me, FIX_BATCH);
      if (!fixes.length) break;
      const wire = fixes.map(({ seq: _s, owner: _o, ...f }) => f);
      const answer = await postPositions(wire);
      sent = true;
      await remove(db, 'fixes', fixes.map((f) => f.seq!));
      remember(phoneHandle().fixesSent, ...wire.map((f) => f.t));
      setPhone((s) => ({ outbox: { ...s.outbox, fixes: Math.max(0, s.outbox.fixes - fixes.length), rejectedFixes: s.outbox.rejectedFixes + answer.rejected.length } }));
      if (answer.rejected.length) console.warn('positions rejected', answer.rejected.slice(0, 5));
      hooks.fixesSent(answer.accepted);
    }
    failures = 0;
    if (sent) setPhone((s) => ({ online: true, outbox: { ...s.outbox, lastSentAt: Date.now() } }));
  } catch (e) {
    // Only what can pass later is here: refusals were set aside inside sendJob. (Anything
    // else, e.g. storage trouble, is tried again the same way.)
    if (!(e instanceof PhoneError)) console.warn('outbox', e);
    failures++;
    if (e instanceof PhoneError && e.status === 0) setPhone({ online: false });
    else if (sent || e instanceof PhoneError) setPhone({ online: true });
    const wait = Math.min(60_000, 2000 * 2 ** Math.min(failures - 1, 5)) * (0.75 + Math.random() / 2);
    retryTimer = setTimeout(() => void flush(), wait);
  } finally {
    setPhone((s) => ({ outbox: { ...s.outbox, sending: false } }));
    await refreshCounts();
  }
}

/** The version after one of this job's own photos: one more than the job saw, not what the
 * server says now — had someone else moved the ticket meanwhile, the job's action must still
 * be refused as taken on what the worker did not see. */
const ownStep = (seen: number | null, now: number): number => (seen === null ? now : seen + 1);

/** One job, step by step, its progress written back after each. A refusal sets it aside;
 * anything that may pass later is thrown to the caller, which stops and tries again. */
async function sendJob(db: IDBDatabase, job: Job): Promise<void> {
  let ticket: Ticket | null = null;
  const save = () => put(db, 'jobs', job);
  try {
    if (job.report && !job.ticketId) {
      if (job.reportTries++ === 0) {
        const age = Date.now() - job.createdAt;
        if (job.madeOffline || age > WAITED_MS) {
          // Older than the server takes observedAt: the moment goes into the text instead.
          if (age <= OBSERVED_MAX_MS) job.report.observedAt = new Date(job.createdAt).toISOString();
          else job.report.description = `（现场记录于 ${new Date(job.createdAt).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false })}）${job.report.description}`.slice(0, 2000);
        }
      }
      await save();
      ticket = await postReport(job.report);
      job.ticketId = ticket.id;
      job.version = ticket.version;
      await save();
    }
    const id = job.ticketId!;
    for (const photo of job.photos) {
      if (photo.sent) continue;
      if (photo.tried && photo.hash) {
        const tl = await fetchTimeline(id);
        if (tl.items.some((e) => e.action === 'attach' && e.data?.photo === photo.hash && e.data?.kind === photo.kind)) {
          photo.sent = true;
          job.version = ownStep(job.version, tl.ticket.version);
          ticket = tl.ticket;
          await save();
          continue;
        }
      }
      photo.tried = true;
      await save();
      const r = await uploadPhoto(id, photo.kind, photo.blob, photo.name);
      photo.sent = true;
      job.version = ownStep(job.version, r.ticket.version);
      ticket = r.ticket;
      await save();
    }
    if (job.action && !job.actionDone) {
      job.actionTries++;
      await save();
      try {
        const r = await postAction(id, { action: job.action.action, ...job.action.fields, ...(job.version !== null ? { version: job.version } : {}) });
        ticket = r.ticket;
      } catch (e) {
        // A 409 after an attempt that got no answer: that attempt may be the one that moved it.
        if (!(e instanceof PhoneError && e.status === 409 && job.actionTries > 1)) throw e;
        const tl = await fetchTimeline(id);
        const last = tl.items[tl.items.length - 1];
        if (last?.action !== job.action.action || last.actor !== job.owner) throw e;
        ticket = tl.ticket;
      }
      job.actionDone = true;
      await save();
    }
  } catch (e) {
    if (e instanceof PhoneError && !e.transient) {
      job.failed = { status: e.status, message: e.message, at: Date.now() };
      await save();
      return;
    }
    throw e;
  }
  await remove(db, 'jobs', [job.seq!]);
  phoneHandle().jobsSent.push({ label: job.label, ticketId: job.ticketId, clientId: job.report?.clientId ?? null });
  hooks.jobDone(job, ticket);
}
