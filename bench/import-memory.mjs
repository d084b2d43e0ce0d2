// node --expose-gc bench/import-memory.mjs [dist]: what each subsystem adds to a node process's
// memory when imported (after `npm run build`), one import after another in the order service.ts
// loads them; a full GC before each reading. Columns: RSS, V8 heap used, external (Buffers,
// native), each as MB and as the step's increase. Profiling aid for issue 16; not part of the bench.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(process.argv[2] ?? 'dist');
const steps = [
  ['node:http and friends', 'node:http'],
  ['hono + @hono/node-server', '@hono/node-server'],
  ['config, logger (pino)', `${root}/logger.js`],
  ['zod', 'zod'],
  ['kysely', 'kysely'],
  ['better-sqlite3', 'better-sqlite3'],
  ['pg', 'pg'],
  ['db/connection', `${root}/db/connection.js`],
  ['stripe', 'stripe'],
  ['core', `${root}/core/index.js`],
  ['gateways/stripe', `${root}/gateways/stripe.js`],
  ['@hono/zod-openapi', '@hono/zod-openapi'],
  ['api', `${root}/api/app.js`],
  ['grammy', 'grammy'],
  ['@grammyjs/i18n', '@grammyjs/i18n'],
  ['@grammyjs/conversations, menu, runner', '@grammyjs/conversations'],
  ['bot', `${root}/bot/index.js`],
  ['jobs (node-cron)', `${root}/jobs/index.js`],
  ['sandbox', `${root}/sandbox/index.js`],
  ['service.ts (the rest)', `${root}/service.js`],
];
const read = () => {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed, ext: m.external + m.arrayBuffers };
};
const MB = (n) => (n / 1048576).toFixed(1);
let last = read();
console.log(`| step | RSS MB | +RSS | heap used MB | +heap | external MB | +ext |\n| --- | --- | --- | --- | --- | --- | --- |`);
console.log(`| node, nothing imported | ${MB(last.rss)} | | ${MB(last.heap)} | | ${MB(last.ext)} | |`);
for (const [name, spec] of steps) {
  await import(spec.startsWith('/') ? pathToFileURL(spec).href : spec);
  const now = read();
  console.log(
    `| ${name} | ${MB(now.rss)} | ${MB(now.rss - last.rss)} | ${MB(now.heap)} | ${MB(now.heap - last.heap)} | ${MB(now.ext)} | ${MB(now.ext - last.ext)} |`,
  );
  last = now;
}
