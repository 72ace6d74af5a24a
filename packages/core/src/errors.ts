/**
 * Errors with a stable machine-readable code. The API maps `status` and `code` onto
 * problem+json; SMTP and IMAP map them onto their own reply codes.
 */
export type ErrorCode =
  | "run_not_found"
  | "run_exists"
  | "unauthorized"
  | "forbidden"
  | "message_not_found"
  | "mailbox_not_found"
  | "mailbox_exists"
  | "mailbox_protected"
  | "quota_exceeded"
  | "storage_full"
  | "too_many_runs"
  | "too_many_waits"
  | "too_many_streams"
  | "invalid_request"
  | "unsupported_pattern"
  | "store_unavailable"
  | "wait_timeout"
  | "too_many_requests"
  | "unexpected_message"
  | "not_found"
  | "check_not_configured"
  | "check_failed"
  | "webhook_not_found"
  | "delivery_not_found"
  | "webhook_target_refused"
  | "session_not_found"
  | "internal";

const statusByCode: Record<ErrorCode, number> = {
  run_not_found: 404,
  run_exists: 409,
  unauthorized: 401,
  forbidden: 403,
  message_not_found: 404,
  mailbox_not_found: 404,
  mailbox_exists: 409,
  mailbox_protected: 409,
  quota_exceeded: 507,
  storage_full: 507,
  too_many_runs: 507,
  too_many_waits: 429,
  too_many_streams: 429,
  invalid_request: 400,
  unsupported_pattern: 400,
  store_unavailable: 503,
  wait_timeout: 408,
  too_many_requests: 429,
  unexpected_message: 409,
  not_found: 404,
  check_not_configured: 501,
  check_failed: 502,
  webhook_not_found: 404,
  delivery_not_found: 404,
  webhook_target_refused: 400,
  session_not_found: 404,
  internal: 500,
};

export class SandmailError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = "SandmailError";
    this.code = code;
    this.status = statusByCode[code];
    if (details) this.details = details;
  }
}

export function isSandmailError(err: unknown, code?: ErrorCode): err is SandmailError {
  return err instanceof SandmailError && (code === undefined || err.code === code);
}
