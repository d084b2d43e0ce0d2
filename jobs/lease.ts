/**
 * Holding a named lease (db/leases.ts) for as long as some work runs: taken once, renewed on a
 * timer every third of its TTL, given up at the end. A holder that stops renewing — killed,
 * or frozen longer than the TTL — loses it to the next taker within one TTL.
 */
import os from 'node:os';
import crypto from 'node:crypto';
import type { Logger } from 'pino';
import type { DB } from '../db/connection.js';
import type { Clock } from '../core/kernel/index.js';
import { acquireLease, liveLease, releaseLease, type Lease } from '../db/leases.js';

export const DISPATCHER_LEASE = 'dispatcher';
/** Short, so a crashed dispatcher's successor takes over within seconds (SPEC §6). */
export const DEFAULT_LEASE_TTL_MS = 5000;

/** A holder id that says who holds a lease: `npm start (pid 4242 on host) #1f2e3d`. */
export function leaseHolderId(role: string): string {
  return `${role} (pid ${process.pid} on ${os.hostname()}) #${crypto.randomBytes(3).toString('hex')}`;
}

export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  /** Aborts when the lease is lost: another holder has it, or it could not be renewed. */
  readonly lost: AbortSignal;
  /** Stops renewing and gives the lease up (if still ours). */
  release(): Promise<void>;
}

/** Another live holder has the lease. */
export class LeaseBusyError extends Error {
  override readonly name = 'LeaseBusyError';
  constructor(readonly lease: Lease) {
    super(`the "${lease.name}" lease is held by ${lease.holder} until ${new Date(lease.expiresAt).toISOString()}`);
  }
}

export interface HoldLeaseOptions {
  name: string;
  holder: string;
  ttlMs?: number;
  logger: Logger;
}

/** Takes the lease and keeps renewing it; undefined when another live holder has it. */
export async function holdLease(db: DB, clock: Clock, opts: HoldLeaseOptions): Promise<HeldLease | undefined> {
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const { name, holder } = opts;
  if (!(await acquireLease(db, name, holder, ttlMs, clock.now().getTime()))) return undefined;
  const log = opts.logger.child({ lease: name });
  const lost = new AbortController();
  let renewing: Promise<void> = Promise.resolve();
  let released = false;

  const renew = async () => {
    try {
      if (await acquireLease(db, name, holder, ttlMs, clock.now().getTime())) return;
      log.warn({ holder }, 'lease lost to another holder');
    } catch (err) {
      // Unsure whether we still hold it: act as if not; whoever holds it next releases our work.
      log.warn({ holder, err: err instanceof Error ? err.message : String(err) }, 'lease could not be renewed');
    }
    stop();
    lost.abort();
  };
  const timer = setInterval(() => {
    if (!released && !lost.signal.aborted) renewing = renewing.then(renew);
  }, Math.max(10, Math.floor(ttlMs / 3)));
  timer.unref();
  function stop() {
    released = true;
    clearInterval(timer);
  }

  return {
    name,
    holder,
    lost: lost.signal,
    async release() {
      stop();
      await renewing;
      // Only ever deletes our own row: a lease lost to another holder stays theirs.
      await releaseLease(db, name, holder).catch((err: unknown) => log.warn({ err: String(err) }, 'lease could not be released; it lapses on its own'));
    },
  };
}

/** Holds the lease while `work` runs; throws LeaseBusyError when another live holder has it. */
export async function withLease<T>(db: DB, clock: Clock, opts: HoldLeaseOptions, work: (lease: HeldLease) => Promise<T>): Promise<T> {
  let lease = await holdLease(db, clock, opts);
  if (!lease) {
    const current = await liveLease(db, opts.name, clock.now().getTime());
    if (current) throw new LeaseBusyError(current);
    // It lapsed between the two reads: try once more rather than name a holder that is gone.
    lease = await holdLease(db, clock, opts);
    if (!lease) throw new LeaseBusyError((await liveLease(db, opts.name, clock.now().getTime())) ?? { name: opts.name, holder: 'another holder', expiresAt: clock.now().getTime() });
  }
  try {
    return await work(lease);
  } finally {
    await lease.release();
  }
}
