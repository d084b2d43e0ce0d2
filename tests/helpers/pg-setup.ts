// Setup file of the PostgreSQL project: tests still waiting for the core port are skipped with
// their cause (tests/helpers/pg-pending.ts), and the file's server (PGlite or a throwaway
// database) ends after the file's last test, whatever opened it.
import { afterAll, beforeEach } from 'vitest';
import { closePostgresWorlds } from './pg-worlds.js';
import { PENDING_ON_POSTGRES } from './pg-pending.js';

interface Named {
  name: string;
  suite?: Named;
  file?: { name: string };
}

/** "describe > test" (a test's own suites, not its file). */
const path = (task: Named): string => (task.suite ? `${path(task.suite)} > ${task.name}` : task.name);

/** "tests/file.test.ts > describe > test", as vitest reports a failure. */
const fullName = (task: Named): string => `${task.file?.name ?? '?'} > ${path(task)}`;

beforeEach((ctx) => {
  const reason = PENDING_ON_POSTGRES.get(fullName(ctx.task));
  if (reason) ctx.skip(`pending the PostgreSQL port: ${reason}`);
});

afterAll(closePostgresWorlds);
