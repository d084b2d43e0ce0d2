// npm run db:copy -- --to postgres://user:password@host:5432/library [--from ./data/library.db] [--force]
// Copies the SQLite library at DATABASE_PATH (or --from) into PostgreSQL, with a progress bar:
// every id, date, payment, hold, session, outbox row and setting. The target is migrated first;
// one that already holds a library is refused unless --force (which replaces what it holds).
// Afterwards start the service with DATABASE_URL set to the same URL.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config.js';
import { openDatabase } from '../db/connection.js';
import { copyDatabase, planCopy, TargetNotEmptyError } from '../db/copy.js';
import { describeUrl, isPostgresUrl } from '../db/urls.js';
import { fail } from './cli.js';
import { phaseProgress } from './progress.js';

const { values } = parseArgs({
  options: {
    to: { type: 'string' },
    from: { type: 'string' },
    force: { type: 'boolean', default: false },
  },
});

const config = loadConfigOrExit();
const to = values.to;
if (!isPostgresUrl(to))
  fail('Usage: npm run db:copy -- --to postgres://user:password@host:5432/database [--from <SQLite file>] [--force]');
const from = values.from ?? config.databasePath;
if (!fs.existsSync(from)) fail(`No SQLite library at ${from} (set DATABASE_PATH or pass --from).`);

const source = await openDatabase(from);
const target = await openDatabase({ databasePath: from, databaseUrl: to }).catch(async (e: unknown) => {
  await source.db.destroy();
  fail(`Could not open ${describeUrl(to)}: ${e instanceof Error ? e.message : String(e)}`);
});
const progress = phaseProgress();
try {
  const started = Date.now();
  const plan = await planCopy(source.db, target.db);
  console.log(
    `Copying ${plan.reduce((n, p) => n + p.rows, 0).toLocaleString('en')} rows in ${plan.length} tables from ${from} to ${describeUrl(to)}`,
  );
  const copied = await copyDatabase(source.db, target.db, { force: values.force, onProgress: progress.onProgress });
  progress.stop();
  for (const [table, n] of Object.entries(copied)) console.log(`  ${table.padEnd(22)} ${n.toLocaleString('en')}`);
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Start the service with DATABASE_URL=${describeUrl(to)}`);
} catch (e) {
  progress.stop();
  if (e instanceof TargetNotEmptyError) {
    fail(`Not copying: ${e.message}.\nCopy into an empty database, or add --force to replace what it holds.`);
  }
  fail(`db:copy failed, the target is left as it was: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await source.db.destroy();
  await target.engine.close();
}
