/**
 * Every failure the SDK reports is a SandmailError, so a test can `catch (e) { if (e instanceof
 * SandmailError) ... }` and branch on `code` (the server's stable problem code, or one of the
 * SDK's own: network_error, assertion_failed, no_code, no_link).
 */

/** The problem+json body the server answers errors with (RFC 9457), extra members included. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  code?: string;
  detail?: string;
  instance?: string;
  errors?: Array<{ in: string; path: string; message: string }>;
  [member: string]: unknown;
}

export interface SandmailErrorInit {
  status?: number;
  code: string;
  detail: string;
  problem?: Problem;
  /** `METHOD /path` of the request that failed, when one did. */
  request?: string;
  cause?: unknown;
}

export class SandmailError extends Error {
  /** HTTP status of the answer; 0 when there was none (network failure, client-side check). */
  readonly status: number;
  /** Stable machine-readable code. */
  readonly code: string;
  /** What went wrong, as the server (or the SDK) put it. */
  readonly detail: string;
  /** The whole problem+json body, when the server sent one. */
  readonly problem: Problem | undefined;
  readonly request: string | undefined;

  constructor(init: SandmailErrorInit, message?: string) {
    super(message ?? describe(init), init.cause !== undefined ? { cause: init.cause } : undefined);
    this.name = new.target.name;
    this.status = init.status ?? 0;
    this.code = init.code;
    this.detail = init.detail;
    this.problem = init.problem;
    this.request = init.request;
  }
}

function describe(init: SandmailErrorInit): string {
  const where = init.request ? ` (${init.request})` : "";
  const status = init.status ? `${init.status} ` : "";
  return `${status}${init.code}: ${init.detail}${where}`;
}

/** 401/403: no token, a wrong token, or an API key the server wants. */
export class UnauthorizedError extends SandmailError {}

/** 404: no such run (or it expired), message, attachment or route. */
export class NotFoundError extends SandmailError {}

/** 400: the server refused the request's input; `fields` says which parts and why. */
export class ValidationError extends SandmailError {
  get fields(): Array<{ in: string; path: string; message: string }> {
    return this.problem?.errors ?? [];
  }
}

/**
 * 408 from a wait: not enough matching mail arrived in time. The message says how many matched and
 * what arrived instead; `seen` holds the server's account of it as data.
 */
export class WaitTimeoutError extends SandmailError {
  /** The problem body's members beyond the standard ones (matched count, latest non-matching mail). */
  get seen(): Record<string, unknown> {
    return extraMembers(this.problem);
  }
}

/** 409 from `expectNoMessage`: a message matching the criteria arrived. */
export class UnexpectedMessageError extends SandmailError {
  /** The offending message as the server described it. */
  get unexpected(): Record<string, unknown> | undefined {
    const extra = extraMembers(this.problem);
    const message = extra.message ?? (Array.isArray(extra.messages) ? extra.messages[0] : undefined);
    return typeof message === "object" && message !== null ? (message as Record<string, unknown>) : extra;
  }
}

/** The server could not be reached (after the configured retries) or answered something unreadable. */
export class ConnectionError extends SandmailError {}

/** The server answered a status the SDK has no better class for (409 conflicts, 5xx). */
export class ServerError extends SandmailError {}

export interface AssertionOutcome {
  assertion: Record<string, unknown>;
  pass: boolean;
  actual?: unknown;
  message?: string;
}

/** `message.assert([...])` found failures; the message lists each with the actual value. */
export class AssertionFailedError extends SandmailError {
  readonly results: AssertionOutcome[];

  constructor(subject: string, results: AssertionOutcome[]) {
    const failed = results.filter((r) => !r.pass);
    const lines = failed.map(
      (r) => `  ✗ ${r.message ?? JSON.stringify(r.assertion)} (actual: ${show(r.actual)})`,
    );
    const detail = `${failed.length} of ${results.length} assertions failed on ${subject}:\n${lines.join("\n")}`;
    super({ code: "assertion_failed", detail }, detail);
    this.results = results;
  }
}

/** `message.code()` / `message.link()` found nothing to return; the message lists what was there. */
export class ExtractionError extends SandmailError {}

const STANDARD = new Set(["type", "title", "status", "code", "detail", "instance", "errors"]);

function extraMembers(problem: Problem | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(problem ?? {})) if (!STANDARD.has(key)) out[key] = value;
  return out;
}

function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** The error class for an HTTP error answer. */
export function errorFromResponse(
  status: number,
  problem: Problem | undefined,
  request: string,
  fallback: string,
) {
  const code = typeof problem?.code === "string" ? problem.code : `http_${status}`;
  const detail = typeof problem?.detail === "string" ? problem.detail : fallback;
  const init: SandmailErrorInit = { status, code, detail, request, ...(problem ? { problem } : {}) };
  if (code === "wait_timeout" || status === 408) return new WaitTimeoutError(init);
  if (code === "unexpected_message") return new UnexpectedMessageError(init);
  if (status === 401 || status === 403) return new UnauthorizedError(init);
  if (status === 404) return new NotFoundError(init);
  if (status === 400 || status === 422) return new ValidationError(init);
  return new ServerError(init);
}
