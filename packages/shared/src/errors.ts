/**
 * Errors as data: one base error with a `code`, and one table from code to HTTP status, so the
 * API turns any `RungError` into a response without knowing where it came from.
 */

/** What went wrong, in terms a client can act on. */
export type ErrorCode =
  | 'invalid_spec'
  | 'not_found'
  | 'conflict'
  | 'unknown_trainer'
  | 'invalid_request'
  | 'unauthorized'
  | 'forbidden'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'internal';

/** The HTTP status the API answers for each error code. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  invalid_spec: 400,
  not_found: 404,
  conflict: 409,
  unknown_trainer: 400,
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
};

/** Base of every error Rung raises on purpose; anything else is a bug (HTTP 500). */
export class RungError extends Error {
  override name = 'RungError';
  readonly code: ErrorCode;
  /** Machine-readable context, safe to send to the client. */
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, options?: { details?: unknown; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options?.details !== undefined) this.details = options.details;
  }
}

/** One problem in a sweep spec: the dotted path of the field (`parameters.lr.min`) and why. */
export interface SpecIssue {
  path: string;
  message: string;
}

/**
 * A sweep spec that cannot be accepted. `message` is the first issue as `path: message`;
 * `issues` (also in `details.issues`) lists every issue found.
 */
export class SpecError extends RungError {
  override name = 'SpecError';
  readonly issues: readonly SpecIssue[];

  constructor(issues: readonly SpecIssue[], options?: { cause?: unknown }) {
    const first = issues[0];
    super('invalid_spec', first ? `${first.path}: ${first.message}` : 'invalid sweep spec', {
      details: { issues },
      cause: options?.cause,
    });
    this.issues = issues;
  }
}
