// Every instance schedules the jobs, each scheduled run happens on one instance (SPEC §12):
// two job runners over one database stand for two instances.
import { afterEach, describe, expect, it } from 'vitest';
import { createJobs, type Jobs, SLOT_LEASE_MS, slotLeaseName } from '../../jobs/index.js';
import { silentLogger } from '../../logger.js';
import { captureLogger, type LogEntry } from '../helpers/bot.js';
import { TEST_ENGINE } from '../helpers/engine.js';
import { createWorld, makeBook, makeReader, type World } from '../helpers/world.js';

let w: World | undefined;
const running: Jobs[] = [];
afterEach(async () => {
  for (const j of running.splice(0)) await j.stop();
  await w?.close();
  w = undefined;
});

const instance = (world: World, holder: string, logs?: LogEntry[]) => {
  const jobs = createJobs({
    core: world.core,
    db: world.db,
    clock: world.clock,
    schedules: world.config.cron,
    logger: logs ? captureLogger(logs) : silentLogger(),
    holder,
  });
  running.push(jobs);
  return jobs;
};

describe(`A scheduled run happens on one instance (${TEST_ENGINE})`, () => {
  it('two instances firing the same slot at once: one runs it, the other does nothing', async () => {
    w = await createWorld({ env: { TELEGRAM_STAFF_CHAT_ID: '-100500' } });
    const { actor } = await makeReader(w.core);
    const book = await makeBook(w.core);
    await w.core.borrowings.borrow(actor, { book_id: book.id, expected_return_date: '2026-03-12' });
    w.clock.set('2026-03-20T09:00:00Z');
    const a = instance(w, 'instance A');
    const b = instance(w, 'instance B');
    const slot = new Date('2026-03-20T09:00:00Z');
    const [ra, rb] = await Promise.all([a.runScheduled('overdue-report', slot), b.runScheduled('overdue-report', slot)]);
    expect([ra, rb].filter((r) => r !== undefined)).toHaveLength(1);
    expect(ra ?? rb).toMatchObject({ overdue: 1 });
  });

  it('a late firing of a slot already run does not run it again; the next slot runs', async () => {
    w = await createWorld();
    const a = instance(w, 'instance A');
    const b = instance(w, 'instance B');
    const slot = new Date('2026-03-10T10:01:00Z');
    expect(await a.runScheduled('expire-payments', slot)).toBeDefined();
    w.clock.advance(30_000);
    // node-cron's date is to the second; a firing a few hundred ms off names the same slot.
    expect(await b.runScheduled('expire-payments', new Date(slot.getTime() + 300))).toBeUndefined();
    expect(await a.runScheduled('expire-payments', slot)).toBeUndefined();
    expect(await b.runScheduled('expire-payments', new Date('2026-03-10T10:02:00Z'))).toBeDefined();
  });

  it('slot claims are left to lapse, and lapsed ones are swept by the next run', async () => {
    w = await createWorld();
    const a = instance(w, 'instance A');
    await a.runScheduled('due-soon', new Date('2026-03-10T09:00:00Z'));
    const claim = await w.db
      .selectFrom('leases')
      .selectAll()
      .where('name', '=', slotLeaseName('due-soon', new Date('2026-03-10T09:00:00Z')))
      .executeTakeFirstOrThrow();
    expect(claim).toMatchObject({ holder: 'instance A', expires_at: w.clock.now().getTime() + SLOT_LEASE_MS });
    w.clock.advance(SLOT_LEASE_MS + 1);
    await a.runScheduled('due-soon', new Date('2026-03-11T09:00:00Z'));
    const names = (await w.db.selectFrom('leases').select('name').where('name', 'like', 'job:%').execute()).map((r) => r.name);
    expect(names).toEqual([slotLeaseName('due-soon', new Date('2026-03-11T09:00:00Z'))]);
  });

  it('on the real schedule: two instances firing every second run each second once', async () => {
    w = await createWorld({ env: { OVERDUE_REPORT_CRON: '* * * * * *' } });
    // The leases use the world's clock; keep it close to the real one, as the cron fires on that.
    w.clock.set(new Date().toISOString());
    const logs: LogEntry[] = [];
    const a = instance(w, 'instance A', logs);
    const b = instance(w, 'instance B', logs);
    a.start();
    b.start();
    await new Promise((r) => setTimeout(r, 3_300));
    await a.stop();
    await b.stop();
    const runs = logs.filter((l) => l.msg === 'job overdue-report finished').length;
    const slots = await w.db.selectFrom('leases').select('name').where('name', 'like', 'job:overdue-report@%').execute();
    expect(runs).toBeGreaterThanOrEqual(2);
    expect(runs).toBe(slots.length);
  });
});
