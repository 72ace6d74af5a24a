import { Counter, collectDefaultMetrics, Registry } from "prom-client";
import { ActiveGauge } from "./active-gauge.js";
import { registerLoopStall } from "./loop-stall.js";

export const METRIC_PREFIX = "sandmail_";

/**
 * How an SMTP message ended: `accepted` = 250 after DATA (stored); `rejected` = refused for good
 * (a 5xx, or 452 for a full run) at RCPT or DATA; `failed` = 451, ours and transient.
 */
export type SmtpResult = "accepted" | "rejected" | "failed";
export const SMTP_RESULTS: readonly SmtpResult[] = ["accepted", "rejected", "failed"];

export interface MetricsOptions {
  /**
   * Adds Node's process metrics (CPU, memory, event loop lag, GC, handles) with the sandmail_
   * prefix, and sandmail_event_loop_stall_max_seconds (loop-stall.ts). Only the process owner should ask: they describe the process, and each registry
   * that collects them starts its own event-loop and GC observers.
   */
  processMetrics?: boolean;
}

/**
 * Every metric sandmail exposes, on one registry that belongs to this object, never to the
 * process-global `prom-client` register, so two sandboxes in one process (tests) count apart.
 * Labels are bounded on purpose: no run ids, addresses or raw URLs.
 */
export interface SandmailMetrics {
  readonly registry: Registry;
  /** `sandmail_smtp_messages_total{result}` */
  readonly smtpMessages: Counter<"result">;
  /** `sandmail_smtp_sessions_active` */
  readonly smtpSessions: ActiveGauge;
  /** `sandmail_imap_connections_active` */
  readonly imapConnections: ActiveGauge;
  /** `sandmail_imap_commands_total{command}`: the command name, `UID ` + name, or `unknown`. */
  readonly imapCommands: Counter<"command">;
  /** `sandmail_api_requests_total{route,status}`: the route's URL pattern, never the raw URL. */
  readonly apiRequests: Counter<"route" | "status">;
  /** `sandmail_api_waits_active` */
  readonly apiWaits: ActiveGauge;
  /** `sandmail_api_event_streams_active` */
  readonly apiEventStreams: ActiveGauge;
}

export function createMetrics(options: MetricsOptions = {}): SandmailMetrics {
  const registry = new Registry();
  const name = (suffix: string) => `${METRIC_PREFIX}${suffix}`;
  if (options.processMetrics) {
    collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
    registerLoopStall(registry, name("event_loop_stall_max_seconds"));
  }

  const smtpMessages = new Counter({
    name: name("smtp_messages_total"),
    help: "SMTP messages by outcome: accepted (250 after DATA), rejected (5xx or 452), failed (451).",
    labelNames: ["result"] as const,
    registers: [registry],
  });
  // Every outcome is exposed from the start, so rate() and alerts see a 0 rather than no series.
  for (const result of SMTP_RESULTS) smtpMessages.inc({ result }, 0);

  return {
    registry,
    smtpMessages,
    smtpSessions: new ActiveGauge(registry, name("smtp_sessions_active"), "Open SMTP sessions."),
    imapConnections: new ActiveGauge(registry, name("imap_connections_active"), "Open IMAP connections."),
    imapCommands: new Counter({
      name: name("imap_commands_total"),
      help: "IMAP commands dispatched, by command name.",
      labelNames: ["command"] as const,
      registers: [registry],
    }),
    apiRequests: new Counter({
      name: name("api_requests_total"),
      help: "REST API requests answered, by route pattern and status code.",
      labelNames: ["route", "status"] as const,
      registers: [registry],
    }),
    apiWaits: new ActiveGauge(registry, name("api_waits_active"), "Wait-for-message requests being held."),
    apiEventStreams: new ActiveGauge(
      registry,
      name("api_event_streams_active"),
      "Open run event streams (SSE).",
    ),
  };
}
