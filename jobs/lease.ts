/**
 * Holding a named lease (db/leases.ts) for as long as some work runs: taken once, renewed on a
 * timer every third of its TTL, given up at the end. A holder that stops renewing — killed,
 * or frozen longer than the TTL — loses it to the next taker within one TTL; a holder that is
 * known to be dead (a process of this machine that no longer runs) loses it at once to a taker
 * that asks for `takeOver`, so a service restarted after a crash need not wait out its own claim.
 */

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { Clock } from '../core/kernel/index.js';
import type { DB } from '../db/connection.js';
import { acquireLease, type Lease, liveLease, releaseLease, takeOverLease } from '../db/leases.js';

export const DISPATCHER_LEASE = 'dispatcher';
/** Short, so a crashed dispatcher's successor takes over within seconds (SPEC §6). */
export const DEFAULT_LEASE_TTL_MS = 5000;

/** A process's start tick since boot (Linux /proc): two processes that had one pid differ in it. */
function startTick(pid: number | 'self'): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces or parentheses.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] || undefined;
  } catch {
    return undefined;
  }
}
const read = (f: () => string) => {
  try {
    return f() || undefined;
  } catch {
    return undefined;
  }
};
/** Which boot of the machine, and which pid namespace (container): only within both do pids name the same processes. */
const bootId = read(() => fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim().replace(/-/g, '').slice(0, 12));
const pidNamespace = read(() => /\d+/.exec(fs.readlinkSync('/proc/self/ns/pid'))?.[0] ?? '');
const ownTick = startTick('self');
const ownStart = ownTick && bootId && pidNamespace ? `${ownTick}@${bootId}/${pidNamespace}` : undefined;

/**
 * A holder id that says who holds a lease, and lets a later process of the same machine tell
 * whether that holder still runs:
 * `npm start (pid 4242 on host, started 812345@9f6a68db6e01/4026531836) #1f2e3d` (the start tick,
 * the boot and the pid namespace, where Linux tells them).
 */
export function leaseHolderId(role: string): string {
  const started = ownStart ? `, started ${ownStart}` : '';
  return `${role} (pid ${process.pid} on ${os.hostname()}${started}) #${crypto.randomBytes(3).toString('hex')}`;
}

const HOLDER = /\(pid (\d+) on ([^,)\s]+)(?:, started (\d+)@([0-9a-f]+)\/(\d+))?\)/;

/**
 * True only when the holder is certainly gone: a process of this machine, this boot and this pid
 * namespace that no longer runs (no such pid, or the pid now another process's). A holder that
 * may be elsewhere — another machine, or a container or boot that merely shares the host name —
 * or that this cannot read is never called gone: it may still be working, so it is waited out.
 */
export function holderIsGone(holder: string): boolean {
  const m = HOLDER.exec(holder);
  if (!m || m[2] !== os.hostname()) return false;
  if ((m[4] ?? '') !== (bootId ?? '') || (m[5] ?? '') !== (pidNamespace ?? '')) return false;
  const pid = Number(m[1]);
  const tick = m[3];
  if (pid === process.pid) return tick !== undefined && tick !== ownTick;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: it runs, as another user.
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
  if (tick === undefined) return false;
  const now = startTick(pid);
  return now !== undefined && now !== tick;
}

/** The holder as people read it: `npm start (pid 4242 on host)`, without the start tick and tag. */
export function holderLabel(holder: string): string {
  return holder.replace(/, started \d+@[0-9a-f]+\/\d+\)/, ')').replace(/ #[0-9a-f]+$/, '');
}

/** True when the holder names a process of this machine (alive or not). */
export function holderIsHere(holder: string): boolean {
  return HOLDER.exec(holder)?.[2] === os.hostname();
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
  /** Take the lease at once from a holder that is certainly gone (holderIsGone). */
  takeOver?: boolean;
}

/** Takes the lease and keeps renewing it; undefined when another live holder has it. */
export async function holdLease(db: DB, clock: Clock, opts: HoldLeaseOptions): Promise<HeldLease | undefined> {
  const ttlMs = opts.ttlMs ?? DEFAULT_LEASE_TTL_MS;
  const { name, holder } = opts;
  const log = opts.logger.child({ lease: name });
  if (!(await acquireLease(db, name, holder, ttlMs, clock.now().getTime()))) {
    if (!opts.takeOver) return undefined;
    const current = await liveLease(db, name, clock.now().getTime());
    // Lapsed meanwhile: the next try takes it the ordinary way.
    if (!current || !holderIsGone(current.holder)) return undefined;
    if (!(await takeOverLease(db, name, current.holder, holder, ttlMs, clock.now().getTime()))) return undefined;
    log.info({ holder, from: current.holder }, 'lease taken over from a process of this machine that is gone');
  }
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
  const timer = setInterval(
    () => {
      if (!released && !lost.signal.aborted) renewing = renewing.then(renew);
    },
    Math.max(10, Math.floor(ttlMs / 3)),
  );
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
      await releaseLease(db, name, holder).catch((err: unknown) =>
        log.warn({ err: String(err) }, 'lease could not be released; it lapses on its own'),
      );
    },
  };
}

export interface AwaitLeaseOptions extends HoldLeaseOptions {
  /** Gives up waiting (resolves undefined). */
  signal: AbortSignal;
  /** Called once, when the lease is first found held by another (not when the database fails). */
  onBusy?(current: Lease): void;
  /** How often to ask again (default a third of the TTL, at most a second). */
  retryMs?: number;
}

/**
 * Holds the lease as soon as it can: at once when free, lapsed or its holder is gone, else when
 * its holder gives it up or stops renewing it. Never throws: a database that does not answer is
 * asked again. Undefined only when `signal` aborts first.
 */
export async function awaitLease(db: DB, clock: Clock, opts: AwaitLeaseOptions): Promise<HeldLease | undefined> {
  const retryMs = opts.retryMs ?? Math.min(1000, Math.floor((opts.ttlMs ?? DEFAULT_LEASE_TTL_MS) / 3));
  let told = false;
  while (!opts.signal.aborted) {
    try {
      const held = await holdLease(db, clock, { ...opts, takeOver: opts.takeOver ?? true });
      if (held) {
        // Asked to stop while the lease was being taken: not ours to keep.
        if (opts.signal.aborted) await held.release();
        else return held;
      } else if (!told) {
        const current = await liveLease(db, opts.name, clock.now().getTime());
        if (current) {
          told = true;
          opts.onBusy?.(current);
        }
      }
    } catch (err) {
      opts.logger.warn(
        { lease: opts.name, err: err instanceof Error ? err.message : String(err) },
        'lease could not be asked for; trying again',
      );
    }
    await sleep(retryMs, undefined, { signal: opts.signal }).catch(() => undefined);
  }
  return undefined;
}

/** Holds the lease while `work` runs; throws LeaseBusyError when another live holder has it. */
export async function withLease<T>(
  db: DB,
  clock: Clock,
  opts: HoldLeaseOptions,
  work: (lease: HeldLease) => Promise<T>,
): Promise<T> {
  let lease = await holdLease(db, clock, opts);
  if (!lease) {
    const current = await liveLease(db, opts.name, clock.now().getTime());
    if (current) throw new LeaseBusyError(current);
    // It lapsed between the two reads: try once more rather than name a holder that is gone.
    lease = await holdLease(db, clock, opts);
    if (!lease)
      throw new LeaseBusyError(
        (await liveLease(db, opts.name, clock.now().getTime())) ?? {
          name: opts.name,
          holder: 'another holder',
          expiresAt: clock.now().getTime(),
        },
      );
  }
  try {
    return await work(lease);
  } finally {
    await lease.release();
  }
}
