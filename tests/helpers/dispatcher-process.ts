// A dispatcher in a process of its own, as the service runs it: the loop over a database file,
// the real grammY client against the Bot API at `apiRoot`, the real clock. Prints "holding"
// once it holds the dispatcher lease; runs until killed (see dispatcher-crash.test.ts).
import { Api } from 'grammy';
import pino from 'pino';
import { createNoticeRenderer } from '../../bot/notice-renderer.js';
import { systemClock } from '../../core/kernel/clock.js';
import { createNoticeFacts } from '../../core/payments/index.js';
import { createDb } from '../../db/connection.js';
import { createDispatcherLoop } from '../../jobs/dispatcher-loop.js';

const [file, apiRoot, token, holder, options] = process.argv.slice(2);
const { db } = createDb(file!);
const api = new Api(token!, { apiRoot: apiRoot! });
// Logs go to stderr, for the test to show when something goes wrong.
const logger = pino({ level: 'info' }, pino.destination(2));
const loop = createDispatcherLoop(
  { db, api, clock: systemClock, logger, notices: createNoticeRenderer({ facts: createNoticeFacts(db) }) },
  { ...(JSON.parse(options ?? '{}') as object), holder: holder! },
);
loop.start();
const announce = setInterval(() => {
  if (!loop.holdsLease()) return;
  clearInterval(announce);
  process.stdout.write('holding\n');
}, 10);
