// Errors the Bot API answers with, and the readers for its loosely typed parameters: JSON
// bodies carry numbers and objects, form bodies carry strings, and both must mean the same.
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

export const bad = (message: string) => new ApiError(400, `Bad Request: ${message}`);
export const QUERY_TOO_OLD = 'query is too old and response timeout expired or query ID is invalid';
export const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

export type Params = Record<string, unknown>;

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isBlank(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

export function optInt(p: Params, name: string): number | undefined {
  const v = p[name];
  if (isBlank(v)) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && /^\s*-?\d{1,16}\s*$/.test(v)) return Number(v);
  throw bad(`field "${name}" must be of type Integer`);
}

export function optStr(p: Params, name: string): string | undefined {
  const v = p[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  throw bad(`field "${name}" must be of type String`);
}

export function optBool(p: Params, name: string): boolean | undefined {
  const v = p[name];
  if (isBlank(v)) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 'true' || v === '1' || v === 1) return true;
  if (v === 'false' || v === '0' || v === 0) return false;
  throw bad(`field "${name}" must be of type Boolean`);
}

/** Structured fields arrive as objects in JSON bodies and as JSON strings in form bodies. */
export function optJson(p: Params, name: string): unknown {
  const v = p[name];
  if (isBlank(v)) return undefined;
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw bad(`can't parse ${name} JSON object`);
  }
}

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}
