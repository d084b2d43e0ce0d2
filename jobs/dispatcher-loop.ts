/**
 * The outbox dispatcher run continuously by the service: a pass, then a nap or a poke — only
 * while it holds the `dispatcher` lease, so that one dispatcher at a time paces Telegram's
 * limits across processes (a CLI `dispatch` beside the service, or several instances). Without
 * the lease the loop waits on standby and takes over when the holder stops renewing it.
 */
import { createDispatcher, type Dispatcher, type DispatcherDeps, type DispatchOptions } from './dispatcher.js';
import { DEFAULT_LEASE_TTL_MS, DISPATCHER_LEASE, type HeldLease, holdLease, leaseHolderId } from './lease.js';
import { sleep } from './throttle.js';

export interface DispatcherLoopOptions extends DispatchOptions {
  /** Nap between passes (default 500 ms). */
  idleMs?: number;
  /** The `dispatcher` lease's TTL (default 5 s), renewed every third of it while the loop runs. */
  leaseTtlMs?: number;
  /** Who this loop is, as the lease and its claims name it (default: role, pid and host). */
  holder?: string;
}

export interface DispatcherLoop {
  readonly dispatcher: Dispatcher;
  /** The id this loop holds the lease under. */
  readonly holder: string;
  /** True while the loop holds the `dispatcher` lease. */
  holdsLease(): boolean;
  start(): void;
  /** Stops waking up; waits for the send in flight (rows not yet claimed stay pending), gives the lease up. */
  stop(): Promise<void>;
  /** Wakes the loop now (e.g. right after something was enqueued). */
  poke(): void;
  /** Resolves when the loop has finished its current pass (for tests and tools). */
  idle(): Promise<void>;
}

export function createDispatcherLoop(deps: DispatcherDeps, options: DispatcherLoopOptions = {}): DispatcherLoop {
  const holder = options.holder ?? leaseHolderId('dispatcher');
  const leaseTtlMs = options.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const dispatcher = createDispatcher(deps, { ...options, fence: { lease: DISPATCHER_LEASE, holder } });
  const idleMs = options.idleMs ?? 500;
  // On standby, look again often enough to take over within a fraction of the TTL.
  const standbyMs = Math.min(1000, Math.max(50, Math.floor(leaseTtlMs / 5)));
  const log = deps.logger.child({ module: 'dispatcher-loop' });
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let lease: HeldLease | undefined;
  let wake: (() => void) | undefined;
  let poked = false;
  let pass: Promise<unknown> = Promise.resolve();

  /** Takes the lease if free; false while another dispatcher holds it. */
  async function takeLease(): Promise<boolean> {
    try {
      lease = await holdLease(deps.db, deps.clock, {
        name: DISPATCHER_LEASE,
        holder,
        ttlMs: leaseTtlMs,
        logger: deps.logger,
        takeOver: true,
      });
    } catch (err) {
      log.error({ err }, 'could not take the dispatcher lease; retrying shortly');
    }
    if (!lease) return false;
    log.info({ holder }, 'dispatcher lease taken: this process delivers the outbox');
    try {
      await dispatcher.takeOver();
    } catch (err) {
      // Not fatal: those claims lapse on their own (claimMs).
      log.error({ err }, 'could not release the claims left by another dispatcher');
    }
    return true;
  }

  async function body(signal: AbortSignal): Promise<void> {
    let standbyLogged = false;
    while (!signal.aborted) {
      if (!lease && !(await takeLease())) {
        if (!standbyLogged) log.info('another dispatcher holds the lease; standing by');
        standbyLogged = true;
        await sleep(standbyMs, signal);
        continue;
      }
      standbyLogged = false;
      const held = lease!;
      poked = false;
      const current = dispatcher.run({ signal: AbortSignal.any([signal, held.lost]) });
      pass = current.catch(() => undefined);
      try {
        const s = await current;
        if (s.sent || s.failed || s.retried) log.info({ job: 'dispatch', ...s }, 'outbox dispatched');
      } catch (err) {
        log.error({ err }, 'dispatcher pass failed; retrying shortly');
      }
      if (held.lost.aborted) {
        lease = undefined;
        await held.release();
        continue;
      }
      if (signal.aborted || poked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, idleMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          signal.removeEventListener('abort', done);
          held.lost.removeEventListener('abort', done);
          resolve();
        }
        wake = done;
        signal.addEventListener('abort', done, { once: true });
        held.lost.addEventListener('abort', done, { once: true });
      });
    }
    const held = lease;
    lease = undefined;
    await held?.release();
  }

  return {
    dispatcher,
    holder,
    holdsLease: () => lease !== undefined && !lease.lost.aborted,
    start() {
      if (loop) return;
      controller = new AbortController();
      loop = body(controller.signal);
    },
    async stop() {
      if (!loop) return;
      controller?.abort();
      await loop;
      loop = undefined;
      controller = undefined;
    },
    poke() {
      poked = true;
      wake?.();
    },
    async idle() {
      await pass;
    },
  };
}
