import { defineConfig } from 'vitest/config';

// Tests live in one folder per room (tests/core, api, bot, jobs, db, sandbox, service, scripts,
// gateways, e2e); which engine a test runs on is in its file name (docs/architecture.md, "Tests"):
//   x.test.ts           every test that touches the database, on both engines: the sqlite project,
//                       and the postgres project with TEST_DB=postgres — the test worlds
//                       (tests/helpers/engine.ts) open PGlite in this process, or with
//                       TEST_DATABASE_URL=postgres://… a real server (a throwaway database per file);
//   x.sqlite.test.ts    about SQLite itself (several processes on one file, query plans, the
//                       entry points on a fresh SQLite directory): the sqlite project only;
//   x.postgres.test.ts  about PostgreSQL itself (db:copy into it): the postgres project only;
//   x.nodb.test.ts      opens no database: once, in the sqlite project;
//   tests/multi/        several instances on one PostgreSQL server: the multi project, only when
//                       TEST_DATABASE_URL is set (`npm run test:multi`; .ci/run starts a server).
// `npm test` runs sqlite and postgres; `npx vitest run --project sqlite` (or postgres) runs one.

const ALL = 'tests/**/*.test.ts';
const MULTI = 'tests/multi/**/*.test.ts';

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
        test: { name: 'sqlite', include: [ALL], exclude: ['tests/**/*.postgres.test.ts', MULTI] },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          include: [ALL],
          exclude: ['tests/**/*.nodb.test.ts', 'tests/**/*.sqlite.test.ts', MULTI],
          env: { TEST_DB: 'postgres' },
          globalSetup: ['tests/helpers/pg-global-setup.ts'],
          setupFiles: ['tests/helpers/pg-setup.ts'],
        },
      },
      // Only with a server to run on: without TEST_DATABASE_URL, `--project multi` names no project
      // and vitest says so (exit 1) rather than passing with nothing run.
      ...(process.env.TEST_DATABASE_URL
        ? [
            {
              extends: true as const,
              test: {
                name: 'multi',
                include: [MULTI],
                env: { TEST_DB: 'postgres' },
                // Two service instances and a server per test file: give them room.
                testTimeout: 120_000,
                hookTimeout: 120_000,
                globalSetup: ['tests/helpers/pg-global-setup.ts'],
                setupFiles: ['tests/helpers/pg-setup.ts'],
              },
            },
          ]
        : []),
    ],
  },
});
