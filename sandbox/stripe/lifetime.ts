// The fake's waits — injected request delays and webhook retry pauses — end when it closes, so
// a test that is done (or a sandbox shutting down) is never held open by a timer.

export interface Lifetime {
  /** Aborted by close(); a fresh one after renew(). */
  readonly signal: AbortSignal;
  /** Waits `ms`; false when `signal` or close() cut it short. */
  sleep(ms: number, signal?: AbortSignal): Promise<boolean>;
  /** Cancels pending waits and aborts the signal. */
  close(): void;
  /** Starts a new lifetime after close() (for reset()). */
  renew(): void;
}

function sleep(ms: number, signal?: AbortSignal, timers?: Set<NodeJS.Timeout>): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(false);
    const t = setTimeout(() => {
      timers?.delete(t);
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    timers?.add(t);
    const onAbort = () => {
      clearTimeout(t);
      timers?.delete(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function createLifetime(): Lifetime {
  let closed = new AbortController();
  const timers = new Set<NodeJS.Timeout>();
  return {
    get signal() {
      return closed.signal;
    },
    sleep: (ms, signal = closed.signal) => sleep(ms, signal, timers),
    close() {
      closed.abort();
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
    renew() {
      closed = new AbortController();
    },
  };
}
