// Who hears about changes: subscribers get every chat event (the web chat's live stream), and
// waiters re-check their condition after any change at all (the controller's waitFor).
import type { FakeTelegramEvent } from './types.js';

export interface Notifier {
  subscribe(listener: (event: FakeTelegramEvent) => void): () => void;
  /** Tells the subscribers, then the waiters. */
  emit(event: FakeTelegramEvent): void;
  /** Something changed that is no chat event (a call logged, an update taken): the waiters re-check. */
  changed(): void;
  readonly waiters: Set<() => void>;
}

export function createNotifier(): Notifier {
  const listeners = new Set<(event: FakeTelegramEvent) => void>();
  const waiters = new Set<() => void>();

  function changed(): void {
    for (const check of [...waiters]) check();
  }

  return {
    waiters,
    changed,
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(event) {
      for (const listener of [...listeners]) {
        try {
          listener(event);
        } catch {
          // A broken listener must not break the API.
        }
      }
      changed();
    },
  };
}
