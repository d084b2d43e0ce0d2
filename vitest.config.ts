import { defineConfig } from 'vitest/config';

// The projects (SPEC §12: one test suite on both engines):
// - sqlite: every test, on SQLite as before.
// - postgres: the tests that touch the database, with TEST_DB=postgres: the test worlds
//   (tests/helpers/engine.ts) open PostgreSQL instead — PGlite in this process (no server), or
//   with TEST_DATABASE_URL=postgres://… a real server, where each test file gets its own
//   throwaway database copied from a template that the global setup migrates once.
// - multi (only when TEST_DATABASE_URL is set): several service instances on one server.
// `npm test` runs sqlite and postgres; `npx vitest run --project sqlite` (or postgres) runs one;
// `npm run test:multi` the multi-instance tests.

/** Tests that never open a database: they run once, in the sqlite project. */
const NO_DATABASE = [
  'tests/bot-i18n.test.ts',
  'tests/chromium-lookup.test.ts',
  'tests/config.test.ts',
  'tests/core/book-from-lookup.test.ts',
  'tests/core/isbn-cache-policy.test.ts',
  'tests/core/isbn.test.ts',
  'tests/env-file.test.ts',
  'tests/fake-telegram.test.ts',
  'tests/gateways/openlibrary-faults.test.ts',
  'tests/gateways/openlibrary.test.ts',
  'tests/sandbox-pages.test.ts',
  'tests/sandbox/openlibrary-fake.test.ts',
  'tests/stripe-gateway.test.ts',
];

/** Database tests that stay on SQLite, and why: each is about SQLite itself. */
const SQLITE_ONLY = [
  // Several OS processes on one SQLite file (worker scripts open the file by path): SQLite's
  // locking between processes. Several instances on PostgreSQL: tests/multi/.
  'tests/book-removal-race.test.ts',
  'tests/sqlite-processes.test.ts',
  'tests/holds-race.test.ts',
  'tests/dispatcher-crash.test.ts',
  'tests/dispatcher-lease.test.ts',
  // A second connection on the same file (createDb), the data_version change token; the
  // PostgreSQL token is tested in tests/engine-functions.test.ts.
  'tests/catalogue-cache.test.ts',
  // The port and the entry point (`npm start` in a child process on a fresh SQLite directory).
  'tests/startup.test.ts',
  // npm start itself (the build, then dist/main.js under node) on a fresh SQLite directory.
  'tests/start-script.test.ts',
  // Read SQLite query plans (EXPLAIN QUERY PLAN) of the holds statements.
  'tests/holds-plans.test.ts',
];

/** PostgreSQL-only tests: copying a SQLite library to PostgreSQL. */
const POSTGRES_ONLY = ['tests/db-copy.test.ts'];

/**
 * Several service instances on one PostgreSQL server (tests/multi/): `npm run test:multi`, with
 * TEST_DATABASE_URL set (.ci/run starts a throwaway server). Never part of `npm test`, which
 * needs no server.
 */
const MULTI = ['tests/multi/**/*.test.ts'];

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
        test: { name: 'sqlite', include: ['tests/**/*.test.ts'], exclude: [...POSTGRES_ONLY, ...MULTI] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: ['tests/**/*.test.ts'],
          exclude: [...NO_DATABASE, ...SQLITE_ONLY, ...MULTI],
          env: { TEST_DB: 'postgres' },
          globalSetup: ['tests/helpers/pg-global-setup.ts'],
          setupFiles: ['tests/helpers/pg-setup.ts'],
        },
      },
      // Only with a server to run on: without TEST_DATABASE_URL, `--project multi` names no project
      // and vitest says so (exit 1) rather than passing with nothing run.
      ...(process.env.TEST_DATABASE_URL
        ? [{
            extends: true as const,
            test: {
              name: 'multi',
              include: MULTI,
              env: { TEST_DB: 'postgres' },
              // Two service instances and a server per test file: give them room.
              testTimeout: 120_000,
              hookTimeout: 120_000,
              globalSetup: ['tests/helpers/pg-global-setup.ts'],
              setupFiles: ['tests/helpers/pg-setup.ts'],
            },
          }]
        : []),
    ],
  },
});
