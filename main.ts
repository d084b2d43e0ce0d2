// npm start: the API, the bot and the jobs in one process over one database file.
import { loadConfigOrExit } from './config.js';
import { createLogger } from './logger.js';
import { ListenError, PollingRefusedError, startService } from './service.js';
import { restrictNewFiles } from './db/file-modes.js';

restrictNewFiles();

const config = loadConfigOrExit();
const logger = createLogger(config.logLevel);
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

const service = await startService(config, { logger }).catch((err: unknown) => {
  // A busy port and the like are the operator's to fix: a plain sentence, not a stack.
  if (err instanceof ListenError || err instanceof PollingRefusedError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
});
if (process.stdout.isTTY) {
  // A plain line for people among the JSON logs.
  const chat = config.sandbox.telegram ? `Try it offline: ${service.url}/sandbox/   ` : '';
  const local = service.host === '127.0.0.1' ? '\n     Reachable from this machine only (HOST=0.0.0.0 opens it to the network).' : '';
  console.log(`\n  📚 Library is running at ${service.url}\n     ${chat}API docs: ${service.url}/api/docs/${local}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    service.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
