import type { Logger } from 'pino';
import type { Core } from '../core/index.js';
import type { Auth } from './auth.js';
import type { AuthThrottle } from './rate-limit.js';

export type { App, AppEnv } from './env.js';

/** What every resource file registers its routes with. */
export interface ApiDeps {
  core: Core;
  auth: Auth;
  logger: Logger;
  botUsername: () => string | undefined;
  telegramLink: (botUsername: string, code: string) => string;
  /** Where a reader talks to the bot (the success page's way back), when known. */
  chatLink: () => string | undefined;
  throttle: AuthThrottle;
}
