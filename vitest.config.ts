import { defineConfig } from 'vitest/config';

// Two projects (SPEC §12: one test suite on both engines):
// - sqlite: every test, on SQLite as before.
// - postgres: the tests that touch the database, with TEST_DB=postgres: the test worlds
//   (tests/helpers/engine.ts) open PostgreSQL instead — PGlite in this process (no server), or
//   with TEST_DATABASE_URL=postgres://… a real server, where each test file gets its own
//   throwaway database copied from a template that the global setup migrates once.
// `npm test` runs both; `npx vitest run --project sqlite` (or postgres) runs one.

/** Tests that never open a database: they run once, in the sqlite project. */
const NO_DATABASE = [
  'tests/bot-i18n.test.ts',
  'tests/chromium-lookup.test.ts',
  'tests/config.test.ts',
  'tests/env-file.test.ts',
  'tests/fake-telegram.test.ts',
  'tests/sandbox-pages.test.ts',
  'tests/stripe-gateway.test.ts',
];

/** Database tests that stay on SQLite, and why. */
const SQLITE_ONLY = [
  // Several OS processes on one SQLite file (worker scripts open the file by path).
  'tests/book-removal-race.test.ts',
  'tests/sqlite-processes.test.ts',
  'tests/holds-race.test.ts',
  'tests/dispatcher-crash.test.ts',
  'tests/dispatcher-lease.test.ts',
  // A second connection on the same file (createDb), the data_version change token; the
  // PostgreSQL token is tested in tests/engine-functions.test.ts.
  'tests/catalogue-cache.test.ts',
  // The whole service from a Config: service.ts opens config.databasePath (SQLite) until it
  // calls openDatabase(config); on PostgreSQL these need a server URL (TEST_DATABASE_URL).
  'tests/e2e-sandbox.test.ts',
  'tests/service.test.ts',
  'tests/service-sandbox-switch.test.ts',
  'tests/service-telegram-down.test.ts',
  'tests/startup.test.ts',
  'tests/telegram-webhook.test.ts',
  // Open SQLite themselves (openDatabase(':memory:') in the test file) and read SQLite query
  // plans (EXPLAIN QUERY PLAN) and pragmas: to port with openTestDatabase.
  'tests/jobs-notifications.test.ts',
  'tests/fine-estimate.test.ts',
  'tests/holds-plans.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    // Two cores: more workers only add contention.
    maxWorkers: 2,
    allowOnly: false,
    passWithNoTests: false,
    projects: [
      {
        extends: true,
        test: { name: 'sqlite', include: ['tests/**/*.test.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['tests/**/*.test.ts'],
          exclude: [...NO_DATABASE, ...SQLITE_ONLY],
          env: { TEST_DB: 'postgres' },
          globalSetup: ['tests/helpers/pg-global-setup.ts'],
          setupFiles: ['tests/helpers/pg-setup.ts'],
        },
      },
    ],
  },
});
