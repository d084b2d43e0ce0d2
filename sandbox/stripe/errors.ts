// Stripe's error answers: a status, and a body of {type, message, code?, param?}, built the
// way Stripe words them so that a client's error handling is tried against the real shapes.
export interface StripeErrorBody {
  type: string;
  message: string;
  code?: string;
  param?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

export const invalid = (message: string, extra: { code?: string; param?: string } = {}, status = 400) =>
  new ApiError(status, { type: 'invalid_request_error', message, ...extra });
export const missing = (param: string) => invalid(`Missing required param: ${param}.`, { code: 'parameter_missing', param });
export const noSuch = (kind: string, id: string, param = 'id') =>
  invalid(`No such ${kind}: '${id}'`, { code: 'resource_missing', param }, 404);
