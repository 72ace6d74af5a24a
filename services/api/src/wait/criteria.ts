import { SandmailError, type StoredMessage } from "@sandmail/core";
import {
  type CompiledMatcher,
  compileMatcher,
  MatcherError,
  type MatcherSpec,
  matcherProblem,
} from "@sandmail/matcher";
import type { ParsedMessage } from "@sandmail/mime";
import {
  type MessageQuery,
  recipientForms,
  type ScannedMessage,
  type ScanPrefilter,
  senderForms,
} from "@sandmail/store";
import { htmlAsText } from "./html-text.js";

/** A header criterion: the field name, and a value criterion (absent: the field only has to exist). */
export interface HeaderInput {
  name: string;
  value?: MatcherSpec | undefined;
}

/** Criteria as the schemas deliver them, from a query string or a JSON body. */
export interface CriteriaInput {
  to?: MatcherSpec | undefined;
  from?: MatcherSpec | undefined;
  subject?: MatcherSpec | undefined;
  text?: MatcherSpec | undefined;
  /** `Name: value` strings (value in the matcher syntax) or objects; every one must match. */
  header?: string | HeaderInput | Array<string | HeaderInput> | undefined;
  inbox?: string | undefined;
  mailbox?: string | undefined;
  unread?: boolean | undefined;
  after?: number | undefined;
}

const MAX_HEADER_NAME = 200;
const FIELD_NAME = /^[!-9;-~]+$/;

/** `X-Campaign: spring` -> name and value; `X-Campaign` alone asks only that the field exists. */
function parseHeaderText(text: string): HeaderInput {
  const colon = text.indexOf(":");
  if (colon === -1) return { name: text.trim() };
  const name = text.slice(0, colon).trim();
  const value = text.slice(colon + 1).replace(/^[ \t]+/, "");
  return value === "" ? { name } : { name, value };
}

/** Why a header criterion is refused, or undefined. */
export function headerProblem(input: string | HeaderInput): MatcherError | undefined {
  const spec = typeof input === "string" ? parseHeaderText(input) : input;
  if (!FIELD_NAME.test(spec.name) || spec.name.length > MAX_HEADER_NAME) {
    return new MatcherError(
      "invalid_request",
      `header name ${JSON.stringify(spec.name)}: write \`Name: value\` with a field name of printable characters`,
    );
  }
  return spec.value === undefined ? undefined : matcherProblem(spec.value);
}

export interface Criteria {
  /** Only messages with seq > after (0: every message). */
  readonly after: number;
  readonly inbox?: string;
  readonly mailbox?: string;
  readonly unread?: boolean;
  /** True when text or header criteria need the decoded message. */
  readonly needsContent: boolean;
  /** True when a message's match can change after arrival (read state, folder). */
  readonly dependsOnState: boolean;
  /**
   * The store's indexes that hold every message these criteria can match: the inbox's, and the
   * recipient index for a `to` it can answer (see indexedRecipient). Empty: the whole run.
   */
  readonly source: Pick<MessageQuery, "address" | "recipient">;
  /**
   * The folded texts matchesStored requires of the subject, sender and recipient forms
   * (CompiledMatcher.needle), for a store's scan to pass over messages without them. Empty when
   * the criteria on those fields are patterns, or absent.
   */
  readonly needles: Pick<ScanPrefilter, "subject" | "from" | "to">;
  /** Everything decidable from the stored record alone; never reads the message's bytes. */
  matchesStored(msg: ScannedMessage): boolean;
  /** The text and header criteria against the decoded message. */
  matchesContent(parsed: ParsedMessage): boolean;
  /** `subject contains "Welcome", unread` for problem details. */
  describe(): string;
}

function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/**
 * The recipient index key (MessageQuery.recipient) that holds every message a `to` criterion
 * matches, or undefined when only a scan can tell. The index holds each recipient's address and
 * display name, lowercased, and the inbox address, but not the `name <address>` form: an `equals`
 * (any case or exact) with no `<` in it can only equal a form the index holds, so the index is a
 * superset of its matches, and matchesStored then decides each. `contains` and patterns (`to=bob`
 * also matches `abob@x` and `Bob Smith`) scan.
 */
export function indexedRecipient(to: CompiledMatcher | undefined): string | undefined {
  if (to?.kind !== "equals" || to.value === "" || to.value.includes("<")) return undefined;
  return to.value.toLowerCase();
}

function compile(field: string, input: MatcherSpec, caseless = false): CompiledMatcher {
  try {
    return compileMatcher(input, { caseless });
  } catch (err) {
    if (err instanceof MatcherError) throw new SandmailError(err.code, `${field}: ${err.message}`);
    throw err;
  }
}

/** Compiles criteria once per request; throws `invalid_request` for an input the schemas let by. */
export function compileCriteria(input: CriteriaInput): Criteria {
  const to = input.to === undefined ? undefined : compile("to", input.to, true);
  const from = input.from === undefined ? undefined : compile("from", input.from, true);
  const subject = input.subject === undefined ? undefined : compile("subject", input.subject);
  const text = input.text === undefined ? undefined : compile("text", input.text);
  const headers = list(input.header).map((h) => {
    const problem = headerProblem(h);
    if (problem) throw new SandmailError(problem.code, `header: ${problem.message}`);
    const spec = typeof h === "string" ? parseHeaderText(h) : h;
    return {
      name: spec.name.toLowerCase(),
      label: spec.name,
      value: spec.value === undefined ? undefined : compile("header", spec.value),
    };
  });
  const inbox = input.inbox?.toLowerCase();
  const mailbox = input.mailbox;
  const inboxFolder = mailbox?.toUpperCase() === "INBOX";
  const { unread } = input;
  const after = input.after ?? 0;

  const matchesStored = (msg: ScannedMessage): boolean => {
    if (msg.seq <= after) return false;
    if (inbox !== undefined && msg.address.toLowerCase() !== inbox) return false;
    if (
      mailbox !== undefined &&
      !(inboxFolder ? msg.mailbox.toUpperCase() === "INBOX" : msg.mailbox === mailbox)
    )
      return false;
    if (unread !== undefined && msg.flags.includes("\\Seen") === unread) return false;
    if (subject && !subject.test(msg.summary.subject)) return false;
    if (to && !recipientForms(msg.address, msg.summary, msg.envelope).some((f) => to.test(f))) return false;
    if (from && !senderForms(msg.summary, msg.envelope).some((f) => from.test(f))) return false;
    return true;
  };

  const matchesContent = (parsed: ParsedMessage): boolean => {
    if (text) {
      const inText = parsed.text !== undefined && text.test(parsed.text);
      if (!inText) {
        const html = parsed.html;
        if (html === undefined) return false;
        if (!text.test(html)) {
          const rendered = htmlAsText(parsed);
          if (rendered === undefined || !text.test(rendered)) return false;
        }
      }
    }
    for (const h of headers) {
      const fields = parsed.headers.filter((f) => f.name.toLowerCase() === h.name);
      if (fields.length === 0) return false;
      const value = h.value;
      if (value && !fields.some((f) => value.test(f.value))) return false;
    }
    return true;
  };

  const describe = (): string => {
    const parts: string[] = [];
    if (to) parts.push(`to ${to.describe()}`);
    if (from) parts.push(`from ${from.describe()}`);
    if (subject) parts.push(`subject ${subject.describe()}`);
    if (text) parts.push(`text ${text.describe()}`);
    for (const h of headers)
      parts.push(h.value ? `header ${h.label} ${h.value.describe()}` : `header ${h.label} present`);
    if (inbox !== undefined) parts.push(`inbox ${inbox}`);
    if (mailbox !== undefined) parts.push(`mailbox ${mailbox}`);
    if (unread !== undefined) parts.push(unread ? "unread" : "read");
    if (after > 0) parts.push(`after seq ${after}`);
    return parts.length ? parts.join(", ") : "any message";
  };

  const recipient = indexedRecipient(to);
  return {
    after,
    source: {
      ...(inbox !== undefined ? { address: inbox } : {}),
      ...(recipient !== undefined ? { recipient } : {}),
    },
    needles: {
      ...(subject?.needle !== undefined ? { subject: subject.needle } : {}),
      ...(from?.needle !== undefined ? { from: from.needle } : {}),
      ...(to?.needle !== undefined ? { to: to.needle } : {}),
    },
    ...(inbox !== undefined ? { inbox } : {}),
    ...(mailbox !== undefined ? { mailbox } : {}),
    ...(unread !== undefined ? { unread } : {}),
    needsContent: text !== undefined || headers.length > 0,
    dependsOnState: unread !== undefined || mailbox !== undefined,
    matchesStored,
    matchesContent,
    describe,
  };
}

/** The whole check: stored fields first, the decoded message only when those pass and it is needed. */
export async function matchMessage(
  criteria: Criteria,
  msg: StoredMessage,
  content: () => Promise<ParsedMessage>,
): Promise<boolean> {
  if (!criteria.matchesStored(msg)) return false;
  if (!criteria.needsContent) return true;
  return criteria.matchesContent(await content());
}
