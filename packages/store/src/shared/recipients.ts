import type { Envelope, MessageSummary } from "@sandmail/core";

/**
 * The keys a message is found under by `MessageQuery.recipient`, besides its inbox address
 * (which the per-address index already answers, and which a move may change): every To and Cc
 * address and display name and every envelope recipient, lowercased, each once (empty ones
 * never: no message is found under ""). All of them are
 * fixed at arrival, so the index changes only when a message comes or goes. They are the forms
 * the API's `to` criterion compares (services/api/src/wait/criteria.ts) except `name <address>`,
 * so an `equals` criterion whose value has no `<` can be answered from the index exactly.
 */
export function recipientKeys(summary: MessageSummary, envelope: Envelope | undefined): string[] {
  const keys = new Set<string>();
  const add = (form: string | undefined) => {
    if (form) keys.add(form.toLowerCase());
  };
  for (const list of [summary.to, summary.cc])
    for (const { name, address } of list) {
      add(address);
      add(name);
    }
  if (envelope) for (const rcpt of envelope.rcptTo) add(rcpt);
  return [...keys];
}
