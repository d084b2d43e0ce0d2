// A separate process placing holds, returning a loan or setting a book's inventory over the same
// database file, each action at an agreed instant, so that it races the other processes
// (tests/core/holds-race.sqlite.test.ts).
//   holds-race-worker.ts <file> <stripe api base> <now ISO> <start at ms> <step ms> <actions JSON>
// actions: [{ kind: 'hold', userId, bookId } | { kind: 'return', userId, borrowingId } |
//           { kind: 'inventory', bookId, inventory }], action i started at startAt + i × step.

import { testConfig } from '../../config.js';
import { createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import { DomainError } from '../../core/kernel/errors.js';
import { createDb } from '../../db/connection.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';

type Action =
  | { kind: 'hold'; userId: number; bookId: number }
  | { kind: 'return'; userId: number; borrowingId: number }
  | { kind: 'inventory'; bookId: number; inventory: number };

const [file, apiBase, now, startAt, step, json] = process.argv.slice(2);
const actions = JSON.parse(json!) as Action[];
const { db } = createDb(file!);
const gateway = createStripeGateway({
  secretKey: 'sk_test_worker',
  webhookSecret: 'whsec_x',
  apiBase: apiBase!,
  maxNetworkRetries: 0,
});
const core = createCore({
  db,
  clock: new ManualClock(now!),
  config: testConfig({ DATABASE_PATH: file!, MAX_HOLDS: '5' }),
  gateway,
  logger: silentLogger(),
});
const results = await Promise.all(
  actions.map(async (a, i) => {
    await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) + i * Number(step) - Date.now())));
    try {
      if (a.kind === 'hold')
        return { ok: 'OK', holdId: (await core.holds.place({ userId: a.userId, isStaff: false }, { book_id: a.bookId })).id };
      if (a.kind === 'return') await core.borrowings.returnBook({ userId: a.userId, isStaff: false }, a.borrowingId);
      else await core.books.setInventory(SYSTEM_ACTOR, a.bookId, a.inventory);
      return { ok: 'OK' };
    } catch (e) {
      return { ok: e instanceof DomainError ? e.code : `THROWN:${(e as { code?: string }).code ?? ''}:${(e as Error).message}` };
    }
  }),
);
await db.destroy();
process.stdout.write(JSON.stringify(results));
