import { isSandmailError, type Run, type StoredMessage } from "@sandmail/core";
import type { ParsedMessages } from "../views/parsed-messages.js";
import { type CriteriaInput, compileCriteria, matchMessage } from "./criteria.js";

export interface ListFilter {
  test(msg: StoredMessage): Promise<boolean>;
  /** The recipient index that holds every message the filter can pass (criteria.source). */
  recipient?: string;
}

/**
 * The wait criteria as a filter for the message list, or undefined when none is given. `inbox`,
 * `mailbox` and `after` are left to the list query, which the store answers directly.
 */
export function listFilter(
  input: Omit<CriteriaInput, "inbox" | "mailbox" | "after">,
  parsed: ParsedMessages,
  run: Run,
): ListFilter | undefined {
  const { to, from, subject, text, header, unread } = input;
  const given = { to, from, subject, text, header, unread };
  if (Object.values(given).every((v) => v === undefined)) return undefined;
  const criteria = compileCriteria(given);
  const { recipient } = criteria.source;
  const test = async (msg: StoredMessage) => {
    try {
      return await matchMessage(criteria, msg, async () => (await parsed.get(run, msg)).parsed);
    } catch (err) {
      // Deleted while the page was being read: not on the page.
      if (isSandmailError(err, "message_not_found")) return false;
      throw err;
    }
  };
  return recipient === undefined ? { test } : { test, recipient };
}
