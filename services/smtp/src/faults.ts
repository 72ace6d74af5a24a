import { setTimeout as sleep } from "node:timers/promises";
import { type ActiveFaults, DEFAULT_GREYLIST_SECONDS, type FaultRule, type FaultStage } from "@sandmail/core";
import type { Logger } from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import type { SMTPServerSession } from "smtp-server";
import { SmtpReplyError } from "./replies.js";

/** One step of an SMTP session that a run's fault rules may act on. */
export interface FaultPoint {
  stage: FaultStage;
  /** The run whose rules apply: the session's (connect, mail) or the recipients' (rcpt on). */
  runId: string;
  session: SMTPServerSession;
  /**
   * Decisions already made in this transaction (reset at MAIL): a rule fires or not once per
   * transaction and run, and that decision holds for all of the run's recipients in it.
   */
  decided: Map<string, boolean>;
  /** Greylisting's key: the envelope sender and this recipient (rcpt). */
  sender?: string;
  recipient?: string;
}

export interface FaultInjectorOptions {
  store: Pick<MailStore, "activeFaults" | "fireFault" | "greylistAttempt">;
  logger: Logger;
  /** Closes the session's connection at once, without a reply. */
  closeSession(session: SMTPServerSession): void;
}

export interface FaultInjector {
  /**
   * Runs one SMTP step under the run's fault rules: the one place where faults act. `step` is
   * the step's own work (routing, storing the message); its result is the step's answer.
   * Without a point, or for a run without rules, it is just `step()` (one cached lookup).
   */
  run<T>(point: FaultPoint | undefined, step: () => Promise<T>): Promise<T>;
}

/** Replies to a closed connection are never sent; this one only ends the step. */
const disconnected = () => new SmtpReplyError(421, "Connection closed by a fault rule");

export function createFaultInjector(options: FaultInjectorOptions): FaultInjector {
  const { store, logger, closeSession } = options;

  /** The first rule of this stage that fires for this point, if any. */
  async function firing(active: ActiveFaults, point: FaultPoint): Promise<FaultRule | undefined> {
    for (const [index, rule] of active.rules.entries()) {
      if (rule.stage !== point.stage) continue;
      if (rule.action === "require-tls" && point.session.secure) continue;
      let key = `${point.runId}:${active.generation}:${index}`;
      if (rule.action === "greylist") {
        const pair = `${point.sender ?? ""}|${point.recipient ?? ""}`;
        const elapsed = await store.greylistAttempt(point.runId, active.generation, index, pair);
        const wait = (rule.retryAfterSeconds ?? DEFAULT_GREYLIST_SECONDS) * 1000;
        if (elapsed >= wait) continue;
        // Greylisting is per sender and recipient, so is its decision.
        key += `:${pair}`;
      }
      let fires = point.decided.get(key);
      if (fires === undefined) {
        fires = await store.fireFault(point.runId, active.generation, index);
        point.decided.set(key, fires);
      }
      if (fires) return rule;
    }
    return undefined;
  }

  async function enact<T>(rule: FaultRule, point: FaultPoint, step: () => Promise<T>): Promise<T> {
    const afterData = point.stage === "after-data";
    switch (rule.action) {
      case "reply":
        // At after-data too: the message was received but is not stored (a 4xx/5xx stores nothing).
        throw new SmtpReplyError(rule.code ?? 451, rule.message ?? `Fault injected for run ${point.runId}`);
      case "require-tls":
        throw new SmtpReplyError(530, "Must issue a STARTTLS command first");
      case "greylist":
        throw new SmtpReplyError(
          451,
          // 4.7.1 as greylisting servers answer (smtp-server would say 4.3.0 for a bare 451).
          `4.7.1 Greylisted: try again in ${rule.retryAfterSeconds ?? DEFAULT_GREYLIST_SECONDS} seconds`,
        );
      case "delay": {
        if (afterData) {
          const result = await step();
          await sleep(rule.delayMs ?? 0);
          return result;
        }
        await sleep(rule.delayMs ?? 0);
        return step();
      }
      case "disconnect":
        // At after-data the message is stored first: the client never hears so, and may send it again.
        if (afterData) await step();
        closeSession(point.session);
        throw disconnected();
    }
  }

  return {
    async run(point, step) {
      if (!point) return step();
      const active = await store.activeFaults(point.runId);
      if (!active) return step();
      const rule = await firing(active, point);
      if (!rule) return step();
      logger.debug({ run: point.runId, stage: point.stage, action: rule.action }, "fault rule fired");
      return enact(rule, point, step);
    },
  };
}
