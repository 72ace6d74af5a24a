/**
 * CATENATE (RFC 4469): an APPEND message built from TEXT literals and IMAP URLs (RFC 5092) naming
 * messages or parts of them in the same login's mailboxes. Only the path form is taken
 * (`/INBOX;UIDVALIDITY=7/;UID=3/;SECTION=1.TEXT/;PARTIAL=0.100`): a URL with a scheme and host
 * would name another server or user, which this one does not reach. The mailbox is looked up like
 * any other name of the login, so a URL can never reach another run's mail.
 */
import { normalizeCrlf, sectionBytes } from "@sandmail/mime";
import { parseSection } from "../content/section.js";
import type { Token } from "../protocol/ast.js";
import { decodeMailboxName } from "../protocol/mailbox-name.js";
import { findMailbox } from "../session/folders.js";
import { ArgError, type Args, tokenText } from "./args.js";
import { type CommandContext, type CommandResult, no } from "./types.js";

export type CatPart = { text: Buffer } | { url: string };

/** `CATENATE (TEXT literal / URL astring ...)` after APPEND's flags and date, or undefined. */
export function parseCatenate(args: Args): CatPart[] | undefined {
  const next = args.peek();
  if (next?.type !== "atom" || next.section || next.value.toUpperCase() !== "CATENATE") return undefined;
  args.next("CATENATE");
  const items = args.list("CATENATE parts");
  if (items.length === 0) throw new ArgError("APPEND: empty CATENATE list");
  const parts: CatPart[] = [];
  for (let i = 0; i < items.length; i += 2) {
    const kind = items[i]!;
    const value: Token | undefined = items[i + 1];
    const name = kind.type === "atom" && !kind.section ? kind.value.toUpperCase() : "";
    if (name === "TEXT" && value?.type === "string" && value.literal) parts.push({ text: value.value });
    else if (name === "URL" && value) parts.push({ url: tokenText(value, "APPEND: CATENATE URL") });
    else throw new ArgError("APPEND: a CATENATE part is TEXT literal or URL string");
  }
  return parts;
}

interface UrlParts {
  mailbox: string;
  uidValidity?: number;
  uid: number;
  section?: string;
  partial?: { start: number; length?: number };
}

const URL_FORM =
  /^\/([^;/?#]+(?:\/[^;/?#]+)*);?(?:UIDVALIDITY=([1-9][0-9]{0,9}))?\/;UID=([1-9][0-9]{0,9})(?:\/;SECTION=([^/;?#]+))?(?:\/;PARTIAL=([0-9]{1,10})(?:\.([1-9][0-9]{0,9}))?)?$/i;

function parseUrl(url: string, utf8: boolean): UrlParts | undefined {
  const m = URL_FORM.exec(url);
  if (!m) return undefined;
  try {
    const mailbox = decodeMailboxName(decodeURIComponent(m[1]!), utf8);
    return {
      mailbox,
      ...(m[2] ? { uidValidity: Number(m[2]) } : {}),
      uid: Number(m[3]),
      ...(m[4] ? { section: decodeURIComponent(m[4]) } : {}),
      ...(m[5] !== undefined
        ? { partial: { start: Number(m[5]), ...(m[6] ? { length: Number(m[6]) } : {}) } }
        : {}),
    };
  } catch {
    return undefined;
  }
}

/** The bytes a URL names, or undefined when it names nothing this login can read. */
async function urlBytes(ctx: CommandContext, url: string, utf8: boolean): Promise<Buffer | undefined> {
  const parts = parseUrl(url, utf8);
  if (!parts) return undefined;
  const { store } = ctx.deps;
  const { runId } = ctx.session.user;
  const mailbox = (await findMailbox(store, ctx.session.user, parts.mailbox))?.mailbox;
  if (!mailbox || (parts.uidValidity !== undefined && parts.uidValidity !== mailbox.uidValidity))
    return undefined;
  const index = await store.mailboxIndex(runId, mailbox.id);
  const at = index.indexOf(parts.uid);
  if (at < 0) return undefined;
  const id = index.id(at);
  const [[msg], raw] = await Promise.all([store.getMessages(runId, [id]), store.getRaw(runId, id)]);
  if (!msg || !raw) return undefined;
  let bytes = raw;
  if (parts.section !== undefined) {
    let spec: ReturnType<typeof parseSection>;
    try {
      spec = parseSection([{ type: "atom", value: parts.section }]);
    } catch {
      return undefined;
    }
    bytes = sectionBytes(raw, msg.mime, spec);
  }
  if (parts.partial) {
    const { start, length } = parts.partial;
    bytes = bytes.subarray(start, length === undefined ? undefined : start + length);
  }
  return bytes;
}

/**
 * The message the parts make, or the NO that ends the APPEND: `[BADURL url]` for a URL that
 * names nothing readable, `[TOOBIG]` as soon as the parts pass `maxBytes`.
 */
export async function catenate(
  ctx: CommandContext,
  parts: CatPart[],
  maxBytes: number,
): Promise<Buffer | CommandResult> {
  const pieces: Buffer[] = [];
  let size = 0;
  for (const part of parts) {
    // Text is normalized as any APPEND literal; a URL's bytes are a stored message's, kept as
    // they are even where a range cuts a CRLF in two (as Dovecot keeps them).
    const bytes =
      "text" in part ? normalizeCrlf(part.text) : await urlBytes(ctx, part.url, ctx.command.utf8 === true);
    if (!bytes)
      return no(
        "The URL names no message this login can read",
        `BADURL ${urlCode("url" in part ? part.url : "")}`,
      );
    size += bytes.length;
    if (size > maxBytes) return no("Message is over the size limit", "TOOBIG");
    pieces.push(bytes);
  }
  return Buffer.concat(pieces, size);
}

/** A URL as a response-code argument: an atom-ish run without spaces, brackets or controls. */
function urlCode(url: string): string {
  return url.replace(/[\x00-\x20\]\x7f-\uffff]/g, "").slice(0, 200) || "-";
}
