import type { Criteria, HeaderCriterion, Matcher } from "@sandmail/sdk";

/** Flags every client command shares: where the server is and which run to use. */
export const clientFlags = {
  url: { type: "string" },
  "api-key": { type: "string" },
  run: { type: "string" },
  token: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

export const clientFlagsHelp = `Connection:
  --url <url>            server API URL         SANDMAIL_URL, else http://127.0.0.1:$SANDMAIL_API_PORT
                                                (http://127.0.0.1:8025)
  --api-key <key>        to create runs         SANDMAIL_API_KEY
  --run <id>             the run                SANDMAIL_RUN
  --token <token>        the run's token        SANDMAIL_TOKEN`;

export const criteriaFlags = {
  to: { type: "string" },
  from: { type: "string" },
  subject: { type: "string" },
  text: { type: "string" },
  header: { type: "string", multiple: true },
  inbox: { type: "string" },
  mailbox: { type: "string" },
  unread: { type: "boolean" },
} as const;

export const criteriaHelp = `Criteria (all must match; a value is "contains, any case", /regex/flags, or "exact" in quotes):
  --to <v>  --from <v>  --subject <v>  --text <v>   (text: the text or HTML body)
  --header 'Name: v'     a header field (repeatable); 'Name' alone: the field exists
  --inbox <address>  --mailbox <folder>  --unread`;

export class UsageError extends Error {}

/** A link pattern, matched here against the message's links: `/re/i` -> RegExp, anything else contains. */
export function linkPattern(value: string, flag: string): string | RegExp {
  const regex = /^\/(.*)\/([a-z]*)$/s.exec(value);
  if (regex) {
    try {
      return new RegExp(regex[1] ?? "", regex[2]);
    } catch (err) {
      throw new UsageError(`--${flag}: ${(err as Error).message}`);
    }
  }
  return value;
}

/** Criteria as typed go to the server as written; its one matcher reads the syntax. */
export const asTyped = (value: string): Matcher => ({ syntax: value });

/** `Name: value` (the value in the matcher syntax), or `Name` alone: the field only has to exist. */
export function headerCriterion(text: string): HeaderCriterion {
  const colon = text.indexOf(":");
  if (colon < 0) return { name: text.trim() };
  return { name: text.slice(0, colon).trim(), value: asTyped(text.slice(colon + 1).trim()) };
}

export function criteriaFrom(values: Record<string, unknown>): Criteria {
  const criteria: Criteria = {};
  for (const key of ["to", "from", "subject", "text"] as const) {
    const v = values[key];
    if (typeof v === "string") criteria[key] = asTyped(v);
  }
  const headers = values.header as string[] | undefined;
  if (headers?.length) {
    criteria.header = headers.map(headerCriterion);
  }
  if (typeof values.inbox === "string") criteria.inbox = values.inbox;
  if (typeof values.mailbox === "string") criteria.mailbox = values.mailbox;
  if (values.unread === true) criteria.unread = true;
  return criteria;
}

export function positiveInt(value: unknown, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0)
    throw new UsageError(`--${flag} takes a whole number, not ${JSON.stringify(value)}`);
  return n;
}
