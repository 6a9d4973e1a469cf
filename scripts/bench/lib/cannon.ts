// autocannon, typed (it ships no types): the part of its programmatic API the benches use.
import { createRequire } from 'node:module';

export interface CannonRequest { method: string; path: string; headers: Record<string, string>; body?: string }
interface Histogram { average: number; total: number; p50: number; p99: number; max: number }
export interface CannonResult {
  requests: Histogram;
  latency: Histogram;
  throughput: Histogram;
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  statusCodeStats: Record<string, { count: number }>;
}
export type Cannon = PromiseLike<CannonResult> & { on(event: 'response', fn: () => void): void };
export interface CannonOptions {
  url: string;
  connections: number;
  duration?: number;
  amount?: number;
  headers?: Record<string, string>;
  requests?: { method: string; path: string; headers: Record<string, string>; setupRequest?(r: CannonRequest, context: Record<string, unknown>): CannonRequest }[];
}

/** Runs autocannon (loaded when first called, so a bench that does not use it does not pay for it). */
export const autocannon = (o: CannonOptions): Cannon => (createRequire(import.meta.url)('autocannon') as (o: CannonOptions) => Cannon)(o);

/** The answers by HTTP status: { "201": 68388, … }. */
export const statusCodes = (r: CannonResult) => Object.fromEntries(Object.entries(r.statusCodeStats).map(([code, v]) => [code, v.count]));
