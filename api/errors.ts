// One error shape for every answer that is not a success:
//   { "error": { "code": "...", "message": "...", "details"?: ... } }
import type { Context, ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { Logger } from 'pino';
import type { ZodError } from 'zod';
import { type FieldIssue, isDomainError } from '../core/kernel/index.js';
import { errorForLog, redactUrlSecrets } from '../logger.js';
import type { AppEnv } from './types.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export type { FieldIssue } from '../core/kernel/index.js';

/** An API-level failure that is not a library rule (e.g. the bot is not connected yet). */
export class ApiError extends Error {
  constructor(
    public readonly status: ContentfulStatusCode,
    public readonly code: string,
    message: string,
    public readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

export function errorResponse(
  c: Context,
  status: ContentfulStatusCode,
  code: string,
  message: string,
  details?: unknown,
): Response {
  return c.json(errorBody(code, message, details), status);
}

/** Zod issues → the field list clients get in `details` (the same form core uses). */
export function zodIssues(error: ZodError): FieldIssue[] {
  return error.issues.map((i) => {
    const field = i.path.map(String).join('.');
    return field ? { field, message: i.message } : { message: i.message };
  });
}

const TARGET_NAMES: Record<string, string> = {
  json: 'body',
  query: 'query',
  param: 'path',
  header: 'header',
  form: 'body',
  cookie: 'cookie',
};

/**
 * The OpenAPIHono defaultHook: a request that fails a route's zod schema answers
 * 400 VALIDATION with one entry per bad field.
 */
export function validationHook(result: { success: boolean; error?: ZodError; target: string }, c: Context): Response | undefined {
  if (result.success || !result.error) return undefined;
  const details = zodIssues(result.error);
  const where = TARGET_NAMES[result.target] ?? result.target;
  const message = details
    .map((d) => (d.field && !d.message.startsWith(d.field) ? `${d.field}: ${d.message}` : d.message))
    .join('; ');
  return errorResponse(c, 400, 'VALIDATION', message || `Invalid ${where}`, details);
}

const HTTP_CODES: Record<number, string> = {
  400: 'VALIDATION',
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
};

const HTTP_MESSAGES: Record<number, string> = {
  413: 'Request body is larger than 64 KiB',
  415: 'Send the body as JSON with Content-Type: application/json',
};

/**
 * DomainError → its status; Hono's HTTPExceptions (malformed JSON, 415…) → the same shape;
 * anything else is a bug: logged with the request id, answered 500 without details.
 */
export function createErrorHandler(logger: Logger): ErrorHandler<AppEnv> {
  return (err, c) => {
    if (isDomainError(err)) {
      // VALIDATION details are always a list of {field, message}, whichever layer found the problem
      // (core/kernel/error-details.ts).
      if (err.status === 401) c.header('WWW-Authenticate', 'Bearer');
      if (err.code === 'RATE_LIMITED' || err.code === 'BUSY') c.header('Retry-After', String(err.details.retry_after));
      return errorResponse(c, err.status as ContentfulStatusCode, err.code, err.message, err.details);
    }
    if (err instanceof ApiError) return errorResponse(c, err.status, err.code, err.message, err.details);
    if (err instanceof HTTPException) {
      const status = err.status;
      if (status >= 500) {
        logger.error({ reqId: c.get('requestId'), status, err: redactUrlSecrets(err.message) }, 'request failed');
        return errorResponse(c, 500, 'INTERNAL', 'Something went wrong');
      }
      const code = HTTP_CODES[status] ?? 'BAD_REQUEST';
      let message = HTTP_MESSAGES[status] ?? err.message ?? 'Bad request';
      if (status === 400 && /json/i.test(err.message)) message = 'Request body is not valid JSON';
      return errorResponse(c, status as ContentfulStatusCode, code, message);
    }
    logger.error(
      {
        reqId: c.get('requestId'),
        method: c.req.method,
        path: redactUrlSecrets(c.req.path),
        err: err instanceof Error ? errorForLog(err) : redactUrlSecrets(String(err)),
      },
      'unexpected error',
    );
    return errorResponse(c, 500, 'INTERNAL', 'Something went wrong');
  };
}

export const notFoundHandler: NotFoundHandler<AppEnv> = (c) =>
  errorResponse(c, 404, 'NOT_FOUND', `No route for ${c.req.method} ${c.req.path}`);
