// The phone's durable storage: one IndexedDB database with what waits to be sent (fixes,
// reports and actions with their photos). IndexedDB rather than localStorage because
// photos are blobs of megabytes and a day of fixes is thousands of records; both survive a
// reload and a killed tab. A few promise helpers, no library: the page needs five calls.
//
//   const db = await openPhoneDb();
//   await add(db, 'fixes', fix); await byOwner(db, 'fixes', 'alice', 500); await remove(db, 'fixes', [1, 2]);

const NAME = 'one-net-phone';
const VERSION = 1;
export type StoreName = 'fixes' | 'jobs';

let opening: Promise<IDBDatabase> | null = null;

export function openPhoneDb(): Promise<IDBDatabase> {
  opening ??= new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      // Auto-increment keys keep the order things were made in: sent in that order.
      for (const name of ['fixes', 'jobs'] as const) {
        if (!db.objectStoreNames.contains(name)) db.createObjectStore(name, { keyPath: 'seq', autoIncrement: true }).createIndex('owner', 'owner');
      }
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
    req.onblocked = () => reject(new Error('indexedDB: blocked by another tab'));
  }).catch((e: unknown) => {
    opening = null;
    throw e;
  });
  return opening;
}

const done = (tx: IDBTransaction): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('indexedDB: transaction aborted'));
  });

const result = <T>(req: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });

/** Adds records in one transaction (all or none); answers their keys. */
export async function add<T extends { seq?: number }>(db: IDBDatabase, store: StoreName, records: T[]): Promise<number[]> {
  const tx = db.transaction(store, 'readwrite');
  const os = tx.objectStore(store);
  const keys = records.map((r) => result(os.add(r) as IDBRequest<IDBValidKey>));
  await done(tx);
  return (await Promise.all(keys)) as number[];
}

/** Writes a record back (its progress). */
export async function put<T extends { seq?: number }>(db: IDBDatabase, store: StoreName, record: T): Promise<void> {
  const tx = db.transaction(store, 'readwrite');
  tx.objectStore(store).put(record);
  await done(tx);
}

export async function remove(db: IDBDatabase, store: StoreName, keys: number[]): Promise<void> {
  if (!keys.length) return;
  const tx = db.transaction(store, 'readwrite');
  const os = tx.objectStore(store);
  for (const k of keys) os.delete(k);
  await done(tx);
}

/** An owner's records, oldest first (the index orders equal owners by key). */
export async function byOwner<T>(db: IDBDatabase, store: StoreName, owner: string, limit?: number): Promise<T[]> {
  const tx = db.transaction(store, 'readonly');
  return result(tx.objectStore(store).index('owner').getAll(IDBKeyRange.only(owner), limit) as IDBRequest<T[]>);
}

export async function countOwner(db: IDBDatabase, store: StoreName, owner: string): Promise<number> {
  const tx = db.transaction(store, 'readonly');
  return result(tx.objectStore(store).index('owner').count(IDBKeyRange.only(owner)));
}

/** Records of other owners (another worker signed in on this phone before). */
export async function countOthers(db: IDBDatabase, store: StoreName, owner: string): Promise<number> {
  const tx = db.transaction(store, 'readonly');
  const all = await result(tx.objectStore(store).count());
  return all - (await countOwner(db, store, owner));
}
