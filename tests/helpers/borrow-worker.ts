// A separate process borrowing concurrently over the same database file (see core-rules.test.ts).

import { testConfig } from '../../config.js';
import { createCore } from '../../core/index.js';
import { ManualClock } from '../../core/kernel/clock.js';
import { DomainError } from '../../core/kernel/errors.js';
import { createDb } from '../../db/connection.js';
import { createStripeGateway } from '../../gateways/stripe.js';
import { silentLogger } from '../../logger.js';

const [file, bookId, userIds, due, apiBase, now] = process.argv.slice(2);
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
const results = await Promise.all(
  userIds!.split(',').map(async (id) => {
    try {
      await core.borrowings.borrow(
        { userId: Number(id), isStaff: false },
        { book_id: Number(bookId), expected_return_date: due! },
      );
      return 'OK';
    } catch (e) {
      return e instanceof DomainError ? e.code : `THROWN:${(e as Error).message}`;
    }
  }),
);
await db.destroy();
process.stdout.write(JSON.stringify(results));
