// A separate process borrowing or removing books over the same database file, starting at an
// agreed instant so that it races the test process (see tests/core/book-removal-race.sqlite.test.ts).
//   race-worker.ts <file> borrow <bookId:userId,…> <stripe api base> <now ISO> <start at ms> <step ms>
//   race-worker.ts <file> remove <bookId,…>        <stripe api base> <now ISO> <start at ms> <step ms>
// Item i is started at startAt + i × step, so every process reaches the same book together.

import { testConfig } from '../../config.js';
import { createCore, SYSTEM_ACTOR } from '../../core/index.js';
import { addDays, ManualClock } from '../../core/kernel/clock.js';
import { DomainError } from '../../core/kernel/errors.js';
import { createDb } from '../../db/connection.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';

const [file, action, items, apiBase, now, startAt, step] = process.argv.slice(2);
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
  config: testConfig({ DATABASE_PATH: file! }),
  gateway,
  logger: silentLogger(),
});
const due = addDays(core.borrowings.today(), 3);
const results = await Promise.all(
  items!.split(',').map(async (item, i) => {
    await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) + i * Number(step) - Date.now())));
    try {
      if (action === 'borrow') {
        const [bookId, userId] = item.split(':').map(Number);
        await core.borrowings.borrow({ userId: userId!, isStaff: false }, { book_id: bookId!, expected_return_date: due });
      } else {
        await core.books.remove(SYSTEM_ACTOR, Number(item));
      }
      return 'OK';
    } catch (e) {
      if (e instanceof DomainError) return e.code;
      return `THROWN:${(e as { code?: string }).code ?? ''}:${(e as Error).message}`;
    }
  }),
);
await db.destroy();
process.stdout.write(JSON.stringify(results));
