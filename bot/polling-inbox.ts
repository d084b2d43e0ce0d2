// What long polling owes its updates across a crash. Telegram forgets an update once the poller
// asks for the ones after it, which the runner does at once, long before the update is handled:
// killed then, the service lost every update it had fetched and not yet answered. So each batch
// is written down (db/telegram-updates.ts) before the next request confirms it; an update is
// claimed as its handling begins and marked handled when that ends. A restart handles what its
// predecessor fetched and never began; an update it had begun is not begun again — its handler
// may have answered already, and no update is ever handled twice (README, "Running it").
import type { Update } from 'grammy/types';
import type { Logger } from 'pino';
import type { DB } from '../db/connection.js';
import { claimUpdate, markGivenUp, markHandled, pruneUpdates, recordPolled, unhandledPolled } from '../db/telegram-updates.js';
import { chatKeyOf } from './update-gate.js';

/**
 * How long polled updates are remembered: Telegram redelivers only what was not confirmed (the
 * last batch), and a restart replays only what is this recent.
 */
export const POLLED_REMEMBER_MS = 3600_000;
const PRUNE_EVERY_MS = 10 * 60_000;

export interface PollingInbox {
  /** Writes a fetched batch down; resolves once it is stored (then Telegram may forget it). */
  received(updates: readonly Update[]): Promise<void>;
  /** Runs `work` for the update unless it was handled or begun before; a chat's updates one at a time, in order. */
  handle(update: Update, work: () => Promise<void>): Promise<void>;
  /** Handles what a previous poller fetched and never began; gives up (and says so) what it began. */
  replay(work: (update: Update) => Promise<void>): Promise<void>;
}

export function createPollingInbox(deps: { db: DB; logger: Logger; now?: () => number }): PollingInbox {
  const { db } = deps;
  const now = deps.now ?? Date.now;
  const log = deps.logger.child({ module: 'polling-inbox' });
  // The claim marks "begun" for good: a begun update is never claimed again.
  const holdMs = POLLED_REMEMBER_MS;
  const turns = new Map<string, Promise<void>>();
  let lastPrune = 0;

  const inbox: PollingInbox = {
    async received(updates) {
      const at = now();
      await recordPolled(
        db,
        updates.map((u) => ({ updateId: u.update_id, chatKey: chatKeyOf(u), body: JSON.stringify(u) })),
        at,
      );
      if (at - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = at;
        void pruneUpdates(db, at - POLLED_REMEMBER_MS).catch(() => undefined);
      }
    },

    handle(update, work) {
      // Claimed when its turn comes, not on arrival: a chat's later updates wait unclaimed, so a
      // crash leaves them to the next poller rather than lost as begun.
      const key = chatKeyOf(update);
      const turn = (turns.get(key) ?? Promise.resolve()).then(async () => {
        const claimed = await claimUpdate(db, update.update_id, now(), holdMs).catch((err: unknown) => {
          // Left unbegun in the record: the next poller's replay handles it.
          log.error(
            { update_id: update.update_id, err: err instanceof Error ? err.message : String(err) },
            'could not claim a Telegram update; it is left for the next start',
          );
          return false;
        });
        if (!claimed) return;
        try {
          await work();
        } finally {
          await markHandled(db, update.update_id, now()).catch((err: unknown) =>
            log.error(
              { update_id: update.update_id, err: err instanceof Error ? err.message : String(err) },
              'could not record a handled update; a restart would not handle it again',
            ),
          );
        }
      });
      const settled = turn.catch(() => undefined);
      turns.set(key, settled);
      void settled.then(() => {
        if (turns.get(key) === settled) turns.delete(key);
      });
      return turn;
    },

    async replay(work) {
      const left = await unhandledPolled(db, now() - POLLED_REMEMBER_MS);
      const begun = left.filter((u) => u.begun).map((u) => u.updateId);
      if (begun.length) {
        await markGivenUp(db, begun, now());
        log.warn(
          { updates: begun },
          `${begun.length} Telegram update(s) were being handled when the previous poller stopped; they are not handled again (their senders may need to repeat them)`,
        );
      }
      const fresh = left.filter((u) => !u.begun);
      if (fresh.length === 0) return;
      log.info({ updates: fresh.length }, 'handling Telegram updates the previous poller had fetched and not begun');
      // In update_id order, one chat at a time (handle keeps each chat's turn).
      await Promise.all(
        fresh.map((u) => {
          const update = JSON.parse(u.body) as Update;
          return inbox.handle(update, () => work(update)).catch(() => undefined);
        }),
      );
    },
  };
  return inbox;
}
