/**
 * Criteria as a test author writes them, and their JSON form for the wait and list endpoints.
 *
 * A plain string means "contains" (ignoring case). It is always sent as `{contains}`, never as the
 * server's text syntax, so a string that happens to look like `/a/` or `"a"` is still taken
 * literally. A RegExp is sent as `{regex, flags}`; g and y are dropped (they make matching depend
 * on the previous call and mean nothing here). The server runs patterns on RE2: backreferences and
 * lookaround are refused (400 `unsupported_pattern`). `{syntax}` hands the server's text syntax
 * (`Welcome`, `"Welcome!"`, `/^Wel/i`) over as written, to be read by the server's one matcher,
 * as the CLI does with what is typed.
 */

export type Matcher =
  | string
  | RegExp
  | { equals: string; ignoreCase?: boolean }
  | { contains: string; ignoreCase?: boolean }
  | { regex: string; flags?: string }
  | { syntax: string };

export interface HeaderCriterion {
  /** Header field name, any case. */
  name: string;
  /** Some occurrence of the field matches this; leave out to ask only that the field exists. */
  value?: Matcher;
}

export interface Criteria {
  /** Header To/Cc addresses (`Name <address>` forms too), SMTP RCPT TO and the inbox address. */
  to?: Matcher;
  /** From addresses and MAIL FROM. */
  from?: Matcher;
  subject?: Matcher;
  /** The text part, the HTML markup, or the HTML as read. */
  text?: Matcher;
  /** Every header criterion must match. */
  header?: HeaderCriterion | HeaderCriterion[];
  /** Only mail of this inbox address. */
  inbox?: string;
  /** Only mail in this folder (INBOX, Trash, ...). */
  mailbox?: string;
  /** true: only unread (no \Seen) mail; false: only read mail. */
  unread?: boolean;
}

export type MatcherJson =
  | string
  | { equals: string; ignoreCase?: boolean }
  | { contains: string; ignoreCase?: boolean }
  | { regex: string; flags?: string };

export type CriteriaJson = Omit<Criteria, "to" | "from" | "subject" | "text" | "header"> & {
  to?: MatcherJson;
  from?: MatcherJson;
  subject?: MatcherJson;
  text?: MatcherJson;
  header?: Array<{ name: string; value?: MatcherJson }>;
};

export function matcherJson(matcher: Matcher): MatcherJson {
  if (typeof matcher === "string") return { contains: matcher };
  if (matcher instanceof RegExp) {
    const flags = matcher.flags.replace(/[gyd]/g, "");
    return flags ? { regex: matcher.source, flags } : { regex: matcher.source };
  }
  if ("syntax" in matcher) return matcher.syntax;
  return matcher;
}

export function criteriaJson(criteria: Criteria = {}): CriteriaJson {
  const out: CriteriaJson = {};
  for (const key of ["to", "from", "subject", "text"] as const) {
    const value = criteria[key];
    if (value !== undefined) out[key] = matcherJson(value);
  }
  if (criteria.header !== undefined) {
    const headers = Array.isArray(criteria.header) ? criteria.header : [criteria.header];
    out.header = headers.map((h) =>
      h.value === undefined ? { name: h.name } : { name: h.name, value: matcherJson(h.value) },
    );
  }
  if (criteria.inbox !== undefined) out.inbox = criteria.inbox;
  if (criteria.mailbox !== undefined) out.mailbox = criteria.mailbox;
  if (criteria.unread !== undefined) out.unread = criteria.unread;
  return out;
}

const LOOKS_SPECIAL = /^\/.+\/[a-z]*$|^".*"$/s;

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/**
 * A matcher in the query-string syntax of the list endpoint: `text` contains, `"text"` exact,
 * `/re/flags` regex. A contains-string that would read as one of the others is sent as an
 * escaped case-insensitive regex, which means the same.
 */
export function matcherText(matcher: Matcher): string {
  const json = matcherJson(matcher);
  if (typeof json === "string") return json;
  if ("ignoreCase" in json && json.ignoreCase !== "contains" in json)
    throw new TypeError("ignoreCase other than the default cannot be said in a list query; use a RegExp");
  if ("regex" in json) return `/${json.regex}/${json.flags ?? ""}`;
  if ("equals" in json) return `"${json.equals}"`;
  return LOOKS_SPECIAL.test(json.contains) ? `/${escapeRegex(json.contains)}/i` : json.contains;
}

/** Criteria as query parameters of GET .../messages (header may repeat). */
export function criteriaQuery(
  criteria: Criteria = {},
): Record<string, string | string[] | boolean | undefined> {
  const query: Record<string, string | string[] | boolean | undefined> = {};
  for (const key of ["to", "from", "subject", "text"] as const) {
    const value = criteria[key];
    if (value !== undefined) query[key] = matcherText(value);
  }
  if (criteria.header !== undefined) {
    query.header = [criteria.header]
      .flat()
      .map((h) => (h.value === undefined ? h.name : `${h.name}: ${matcherText(h.value)}`));
  }
  query.inbox = criteria.inbox;
  query.mailbox = criteria.mailbox;
  query.unread = criteria.unread;
  return query;
}
