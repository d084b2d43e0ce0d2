import type { OpenAPIHono } from '@hono/zod-openapi';
import type { UserActor } from '../core/index.js';

/** Per-request values the middleware sets for handlers. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** Set by requireUser on authenticated routes. */
    actor: UserActor;
  };
}

export type App = OpenAPIHono<AppEnv>;
