// Several server nodes behind one address: everything they share through Redis, opened
// once per process when REDIS_URL is set. Without it none of this exists and the product
// runs as one node (in-memory adapter, local rate limits, its work in-process).
//
//   const cluster = await clusterFromEnv(log);          // null without REDIS_URL
//   const secret = cluster ? await sharedSecret(cluster.link) : sessionSecret(dataDir);
//   buildApp({ ..., cluster });                          // adapter, limits, lockout, leases
//   (cluster?.singletons ?? localSingletons()).runOnce('simulator', start);
import { connectRedis, type RedisLink } from './redis.ts';
import { redisSingletons, type Singletons } from './singleton.ts';

export interface Cluster {
  link: RedisLink;
  /** Work run on one node at a time (leases in Redis). */
  singletons: Singletons;
  close(): Promise<void>;
}

type Log = (level: 'info' | 'warn' | 'error', msg: string, obj?: object) => void;

export async function openCluster(url: string, o: { prefix?: string; leaseMs?: number; log?: Log } = {}): Promise<Cluster> {
  const link = await connectRedis(url, { prefix: o.prefix });
  const singletons = redisSingletons(link, { ttlMs: o.leaseMs, log: o.log });
  return {
    link,
    singletons,
    async close() {
      await singletons.close();
      await link.close();
    },
  };
}

/** REDIS_URL (and REDIS_PREFIX, REDIS_LEASE_MS), or null for one node. */
export async function clusterFromEnv(log?: Log, env = process.env): Promise<Cluster | null> {
  if (!env.REDIS_URL) return null;
  const leaseMs = env.REDIS_LEASE_MS ? Number(env.REDIS_LEASE_MS) : undefined;
  if (leaseMs !== undefined && !(leaseMs >= 1000)) throw new Error('REDIS_LEASE_MS: at least 1000 (ms)');
  return openCluster(env.REDIS_URL, { prefix: env.REDIS_PREFIX, leaseMs, log });
}
