// What the webhook does around each Telegram update when several instances may receive them
// (SPEC §12): an update delivered twice — to two instances, or again by Telegram after a slow
// answer — is handled once, and the updates of one chat are handled one at a time, in update_id
// order, across instances. grammY's sequentialize orders a chat's updates within one process
// only; this adds the database's record of updates (db/telegram-updates.ts) and the engine's
// per-key lock (db/keyed-locks.ts: an advisory lock on a PostgreSQL server).
//
// For each update: record its arrival; take the chat's lock; if it was handled meanwhile, stop
// (a duplicate); if an earlier update of the chat arrived and waits, let it go first (release,
// pause, try again — for at most ORDER_WAIT_MS, so an update whose instance died after recording
// it holds nobody up for long); if another holder has claimed it (possible only where the lock is
// not shared between them), wait likewise until it is handled or the claim lapses; else claim it,
// handle it and record that, then release the lock.
//
// "Handled" is recorded whether the handler succeeded or threw (grammY's error boundary has
// answered the user by then): a retry must not run half of a conversation step again. Only an
// instance that dies mid-update leaves it unhandled, and the next delivery handles it.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Update } from 'grammy/types';
import type { DB } from '../db/connection.js';
import type { KeyedLocks } from '../db/keyed-locks.js';
import { claimUpdate, markHandled, pruneUpdates, registerUpdate, turnOf } from '../db/telegram-updates.js';

/** How long an update waits for an earlier one of its chat that has not been handled yet. */
export const ORDER_WAIT_MS = 10_000;
/** Updates are remembered this long (Telegram gives up redelivering after 24 hours). */
export const REMEMBER_MS = 48 * 3600_000;
const PRUNE_EVERY_MS = 10 * 60_000;
/** How long a claim to handle an update holds if its holder never says it is done (it died). */
export const CLAIM_MS = 2 * 60_000;

export type GateOutcome = 'handled' | 'duplicate';

export interface UpdateGate {
  run(update: Update, handle: () => Promise<void>): Promise<GateOutcome>;
}

/** The chat an update belongs to (as grammY's sequentialize keys it), or the user, or itself. */
export function chatKeyOf(update: Update): string {
  const u = update as unknown as Record<
    string,
    { chat?: { id: number }; from?: { id: number }; message?: { chat?: { id: number } } } | undefined
  >;
  for (const part of Object.values(u)) {
    if (typeof part !== 'object' || part === null) continue;
    const chat = part.chat?.id ?? part.message?.chat?.id;
    if (chat !== undefined) return `chat:${chat}`;
    if (part.from?.id !== undefined) return `user:${part.from.id}`;
  }
  return `update:${update.update_id}`;
}

export function createUpdateGate(deps: { db: DB; locks: KeyedLocks; now?: () => number }): UpdateGate {
  const { db, locks } = deps;
  const now = deps.now ?? Date.now;
  let lastPrune = 0;

  return {
    async run(update, handle) {
      const key = chatKeyOf(update);
      const id = update.update_id;
      const arrived = now();
      await registerUpdate(db, id, key, arrived);
      if (arrived - lastPrune > PRUNE_EVERY_MS) {
        lastPrune = arrived;
        void pruneUpdates(db, arrived - REMEMBER_MS).catch(() => undefined);
      }
      for (let attempt = 0; ; attempt++) {
        const outcome = await locks.run(key, async (): Promise<GateOutcome | 'wait'> => {
          const turn = await turnOf(db, id, key, now() - ORDER_WAIT_MS);
          if (turn.handled) return 'duplicate';
          if (turn.earlierWaiting) return 'wait';
          // Another holder is on it (where the lock is not shared): wait to see it handled.
          if (!(await claimUpdate(db, id, now(), CLAIM_MS))) return 'wait';
          try {
            await handle();
          } finally {
            await markHandled(db, id, now());
          }
          return 'handled';
        });
        if (outcome !== 'wait') return outcome;
        await sleep(Math.min(50, 5 * 2 ** Math.min(attempt, 4)));
      }
    },
  };
}

/** No gate: each update handled as it comes (tests of the bot alone). */
export const ungated: UpdateGate = {
  async run(_update, handle) {
    await handle();
    return 'handled';
  },
};
