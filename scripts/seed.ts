// npm run seed                      demo catalogue + a demo staff account (credentials printed once)
// npm run seed -- --books 1000000 --borrowings 1000000 --users 50000   synthetic bulk data, with progress
import { parseArgs } from 'node:util';
import { searchWords } from '../core/catalogue/index.js';
import { SYSTEM_ACTOR } from '../core/index.js';
import { todayIn } from '../core/kernel/index.js';
import { openSqlite } from '../db/connection.js';
import { engineKind } from '../db/engine.js';
import { bulkSeed } from '../db/seed.js';
import { openCli } from './cli.js';
import { phaseProgress } from './progress.js';

const { values } = parseArgs({
  options: {
    books: { type: 'string' },
    borrowings: { type: 'string', default: '0' },
    users: { type: 'string', default: '1000' },
  },
});

const { config, core, db, clock, close } = await openCli();
try {
  if (values.books) {
    const books = Number(values.books);
    const borrowings = Number(values.borrowings);
    const users = Number(values.users);
    if (![books, borrowings, users].every((n) => Number.isInteger(n) && n >= 0)) {
      console.error('--books, --borrowings and --users take whole numbers');
      process.exit(1);
    }
    const progress = phaseProgress();
    const sqlite = engineKind(db) === 'sqlite' ? openSqlite(config.databasePath) : undefined;
    try {
      await bulkSeed(
        { db, sqlite },
        {
          books,
          borrowings,
          users,
          today: todayIn(clock, config.rules.timeZone),
          fold: (word) => searchWords(word).join(' '),
          onProgress: progress.onProgress,
        },
      );
    } finally {
      progress.stop();
      sqlite?.close();
    }
    core.books.invalidate();
    console.log(
      `Seeded ${books} books, ${users} readers and ${borrowings} borrowings into ${sqlite ? config.databasePath : 'PostgreSQL'}.`,
    );
  } else {
    const { added, skipped } = await core.demo.loadCatalogue(SYSTEM_ACTOR);
    console.log(`Demo catalogue: ${added} books added${skipped ? `, ${skipped} already there` : ''}.`);
    const staff = await core.demo.ensureStaffAccount(SYSTEM_ACTOR);
    if (staff.password) {
      console.log(`Demo staff account: ${staff.email} / ${staff.password}  (shown once; change it with PUT /api/users/me/)`);
    } else {
      console.log(
        `Demo staff account ${staff.email} already exists (npm run staff -- ${staff.email} --promote gives it a new password).`,
      );
    }
  }
} finally {
  await close();
}
