import type { Logger } from 'pino';
import type { Core } from '../core/index.js';
import type { Reports } from '../core/reports/index.js';
import type { Screens } from './screens.js';

/** What every feature is built from (closures, not globals: tests build many bots). */
export interface BotDeps {
  core: Core;
  reports: Reports;
  logger: Logger;
  staffChatId: number | undefined;
  screens: Screens;
}
