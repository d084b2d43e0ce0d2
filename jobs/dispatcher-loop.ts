// The outbox dispatcher run continuously by the service: a pass, then a nap or a poke.
import { createDispatcher, type Dispatcher, type DispatcherDeps, type DispatchOptions } from './dispatcher.js';

export interface DispatcherLoop {
  readonly dispatcher: Dispatcher;
  start(): void;
  /** Stops waking up; waits for the send in flight (rows not yet claimed stay pending). */
  stop(): Promise<void>;
  /** Wakes the loop now (e.g. right after something was enqueued). */
  poke(): void;
  /** Resolves when the loop has finished its current pass (for tests and tools). */
  idle(): Promise<void>;
}

/** Runs the dispatcher continuously: a pass, then a nap of `idleMs` (default 500) or a poke. */
export function createDispatcherLoop(
  deps: DispatcherDeps,
  options: DispatchOptions & { idleMs?: number; dispatcher?: Dispatcher } = {},
): DispatcherLoop {
  const dispatcher = options.dispatcher ?? createDispatcher(deps, options);
  const idleMs = options.idleMs ?? 500;
  const log = deps.logger.child({ module: 'dispatcher-loop' });
  let controller: AbortController | undefined;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let poked = false;
  let pass: Promise<unknown> = Promise.resolve();

  async function body(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      poked = false;
      const current = dispatcher.run({ signal });
      pass = current.catch(() => undefined);
      try {
        const s = await current;
        if (s.sent || s.failed || s.retried) log.info({ job: 'dispatch', ...s }, 'outbox dispatched');
      } catch (err) {
        log.error({ err }, 'dispatcher pass failed; retrying shortly');
      }
      if (signal.aborted || poked) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, idleMs);
        function done() {
          clearTimeout(timer);
          wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        }
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  return {
    dispatcher,
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

