export type { Assertion, AssertionResult, AssertReport, TextComparison } from "./assertions.js";
export type {
  ClientSupport,
  FeatureWarning,
  HtmlCheck,
  LinkCheck,
  MessageChecks,
  SpamCheck,
} from "./checks.js";
export { type CreateRunOptions, DEFAULT_URL, Sandmail, type SandmailOptions } from "./client.js";
export type { Criteria, HeaderCriterion, Matcher } from "./criteria.js";
export { ensureAsyncDisposeSymbol } from "./dispose.js";
export {
  AssertionFailedError,
  type AssertionOutcome,
  ConnectionError,
  ExtractionError,
  NotFoundError,
  type Problem,
  SandmailError,
  ServerError,
  UnauthorizedError,
  UnexpectedMessageError,
  ValidationError,
  WaitTimeoutError,
} from "./errors.js";
export type { RunFaults } from "./faults.js";
export type { FetchLike } from "./http.js";
export { Message } from "./message.js";
export type { Backoff } from "./retry.js";
export {
  type CreatedRun,
  DEFAULT_WAIT_TIMEOUT_MS,
  type MessageSummary,
  type NodemailerOptions,
  Run,
  type SmtpSettings,
  type WaitOptions,
} from "./run.js";
export type { RunSessions } from "./sessions.js";
export type * from "./types.js";
export { type RunWebhooks, verifyWebhook, type WebhookPayload } from "./webhooks.js";
