// Who hears about changes: subscribers get every chat event (the web chat's live stream), and
// waiters re-check their condition after any change at all (the controller's waitFor). Events
// are numbered, so a client can tell which of them a transcript it read already reflects.
import type { FakeTelegramEvent } from './types.js';

export interface Notifier {
  subscribe(listener: (event: FakeTelegramEvent) => void): () => void;
  /** Numbers the event, tells the subscribers, then the waiters. */
  emit(event: Omit<FakeTelegramEvent, 'seq'>): void;
  /** The number of the newest event. */
  readonly seq: number;
  /** Something changed that is no chat event (a call logged, an update taken): the waiters re-check. */
  changed(): void;
  readonly waiters: Set<() => void>;
}

export function createNotifier(): Notifier {
  const listeners = new Set<(event: FakeTelegramEvent) => void>();
  const waiters = new Set<() => void>();
  let seq = 0;

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
    get seq() {
      return seq;
    },
    emit(partial) {
      // Numbered synchronously with the change it reports, so no transcript read can fall between.
      const event: FakeTelegramEvent = { seq: ++seq, ...partial };
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
