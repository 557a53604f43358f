/**
 * The one error type the application throws on purpose. `code` is a closed set; `status`
 * follows from it; `message` is for logs and staff-facing API clients, never shown to a
 * family (families see the translated `userMessageKey`).
 */
export const ERROR_CODES = {
  INVALID_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface AppErrorOptions {
  readonly message?: string;
  readonly userMessageKey?: string;
  readonly details?: Readonly<Record<string, unknown>>;
  readonly cause?: unknown;
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly userMessageKey: string;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(code: ErrorCode, options: AppErrorOptions = {}) {
    super(options.message ?? code, { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.status = ERROR_CODES[code];
    this.userMessageKey = options.userMessageKey ?? `error.${code.toLowerCase()}`;
    this.details = options.details;
  }
}

/** Whether a value is an AppError (also across module copies). */
export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}
