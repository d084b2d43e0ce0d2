// npm start: the API, the bot and the jobs in one process over one database file.
import { loadConfigOrExit } from './config.js';
import { restrictNewFiles } from './db/file-modes.js';
import { createLogger } from './logger.js';
import { ListenError, type RunningService, SandboxInUseError, startService } from './service.js';

restrictNewFiles();

const config = loadConfigOrExit();
// On a terminal, lines for people; piped (a supervisor, a log collector), JSON lines.
const logger = createLogger(config.logLevel, undefined, { human: Boolean(process.stdout.isTTY) });
process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));

/** How long a graceful stop may take before the process exits anyway (README, "Running it"). */
const SHUTDOWN_MS = 15_000;
let service: RunningService | undefined;
let stopAsked: number | undefined;

function shutdown(): void {
  if (!service) return; // still starting: stopped as soon as it is up
  service.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      logger.error({ err }, 'shutdown failed');
      process.exit(1);
    },
  );
}

// From the very start, so that Ctrl-C or a supervisor's SIGTERM at any moment stops the service
// gracefully and gives up its claims (README, "Running it").
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopAsked !== undefined) {
      // npm passes a terminal's Ctrl-C on to the service, which the terminal signalled already:
      // the same request twice. A second Ctrl-C later means "now".
      if (Date.now() - stopAsked > 1000) process.exit(130);
      return;
    }
    stopAsked = Date.now();
    logger.info({ signal }, 'shutting down: finishing in-flight work');
    setTimeout(() => process.exit(1), SHUTDOWN_MS).unref();
    shutdown();
  });
}

service = await startService(config, { logger }).catch((err: unknown) => {
  // A busy port and the like are the operator's to fix: a plain sentence, not a stack.
  if (err instanceof ListenError || err instanceof SandboxInUseError) {
    console.error(err.message);
    process.exit(1);
  }
  throw err;
});
if (stopAsked !== undefined) shutdown();
else if (process.stdout.isTTY) {
  // What a person needs to go on, where they will see it.
  const chat = config.sandbox.telegram ? `\n     Try it offline:  ${service.url}/sandbox/` : '';
  const local =
    service.host === '127.0.0.1' ? '\n     Reachable from this machine only (HOST=0.0.0.0 opens it to the network).' : '';
  console.log(
    `\n  📚 Library is running at ${service.url}${chat}\n     API docs:        ${service.url}/api/docs/${local}\n     Ctrl-C stops it.\n`,
  );
}
