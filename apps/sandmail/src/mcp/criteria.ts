import type { criteriaBodyShape } from "@sandmail/api/schemas/criteria";
import type { Criteria, Matcher } from "@sandmail/sdk";
import type { z } from "zod";
import { asTyped, headerCriterion } from "../commands/client-options.js";

/** The criteria members of the API's wait body, as a tool receives them (already validated). */
export type WireCriteria = z.infer<z.ZodObject<typeof criteriaBodyShape>>;
type WireMatcher = NonNullable<WireCriteria["subject"]>;

// A string is the server's matcher syntax, sent as written; an object is already the wire form,
// which the SDK passes through unchanged (`matches` included).
const sdkMatcher = (m: WireMatcher): Matcher => (typeof m === "string" ? asTyped(m) : (m as Matcher));

/** The API's JSON criteria as the SDK's Criteria, meaning exactly the same on the server. */
export function sdkCriteria(wire: WireCriteria): Criteria {
  const criteria: Criteria = {};
  for (const key of ["to", "from", "subject", "text"] as const) {
    const value = wire[key];
    if (value !== undefined) criteria[key] = sdkMatcher(value);
  }
  if (wire.header !== undefined) {
    criteria.header = [wire.header]
      .flat()
      .map((h) =>
        typeof h === "string"
          ? headerCriterion(h)
          : h.value === undefined
            ? { name: h.name }
            : { name: h.name, value: sdkMatcher(h.value) },
      );
  }
  if (wire.inbox !== undefined) criteria.inbox = wire.inbox;
  if (wire.mailbox !== undefined) criteria.mailbox = wire.mailbox;
  if (wire.unread !== undefined) criteria.unread = wire.unread;
  return criteria;
}
