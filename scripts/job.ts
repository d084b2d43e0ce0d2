// npm run job -- <name>: runs one job once now and prints its summary.
import { Api } from 'grammy';
import { createNoticeRenderer } from '../bot/notice-renderer.js';
import { isJobName, JOB_NAMES, LeaseBusyError, runJob } from '../jobs/index.js';
import { fail, openCli, telegramTarget } from './cli.js';

const name = process.argv[2] ?? '';
if (!isJobName(name)) fail(`Usage: npm run job -- <name>\n  names: ${JOB_NAMES.join(', ')}`);

const { config, core, db, clock, logger, close } = await openCli({ withStripe: name === 'expire-payments' });
try {
  let api: Api | undefined;
  if (name === 'dispatch') {
    const target = telegramTarget(config);
    if (!target) fail('dispatch needs TELEGRAM_BOT_TOKEN (or the sandbox of a running `npm start`)');
    api = new Api(target.token, { apiRoot: target.apiRoot });
  }
  const notices = createNoticeRenderer({ facts: core.payments.noticeFacts });
  const summary = await runJob(name, { core, db, clock, api, notices, logger });
  console.log(JSON.stringify({ job: name, ...summary }, null, 2));
} catch (e) {
  if (e instanceof LeaseBusyError) {
    await close();
    fail(
      `Not dispatching: another dispatcher is delivering the outbox — ${e.lease.holder}.\n` +
        "It paces Telegram's limits for the whole library; a second one beside it would double them, so nothing was sent.\n" +
        `If that process has stopped, its lease lapses at ${new Date(e.lease.expiresAt).toISOString()}: run this again after that.`,
    );
  }
  fail(`${name} failed: ${e instanceof Error ? e.message : String(e)}`);
} finally {
  await close();
}
