import type { ArcResult, DkimResult, DmarcResult, SpfResult } from "./types.js";

// Keeps every line of the header well under the 998-octet limit whatever a reason says.
const maxCommentLength = 200;

function clean(text: string): string {
  return text
    .replace(/[\x00-\x1f\x7f]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A value as an RFC 2045 token when it is one, else as a quoted string. */
function formatValue(value: string): string {
  const text = clean(value);
  if (text && !/[\s()<>@,;:\\"/[\]?=\x7f-\uffff]/.test(text)) return text;
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** pvalue also allows `local@domain` and `@domain` unquoted (RFC 8601 section 2.2). */
function formatPropertyValue(value: string): string {
  const text = clean(value);
  if (/^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~.]*@[A-Za-z0-9.\-_]+$/.test(text)) return text;
  return formatValue(text);
}

function formatComment(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const body = clean(text).slice(0, maxCommentLength);
  return body ? `(${body.replace(/[\\()]/g, (c) => `\\${c}`)})` : undefined;
}

function resinfo(
  method: string,
  result: string,
  reason: string | undefined,
  props: [string, string | undefined][],
): string {
  const parts = [`${method}=${result}`];
  const comment = formatComment(reason);
  if (comment) parts.push(comment);
  for (const [key, value] of props) {
    if (value) parts.push(`${key}=${formatPropertyValue(value)}`);
  }
  return parts.join(" ");
}

export interface HeaderInput {
  mta: string;
  spf: SpfResult | null;
  spfMailFrom: string;
  helo: string;
  dkim: DkimResult[];
  /** Leading characters of each signature's b= tag, in the order of `dkim`, to tell them apart. */
  dkimSignaturePrefixes: (string | undefined)[];
  dmarc: DmarcResult | null;
  arc: ArcResult | null;
}

/**
 * The Authentication-Results header a receiving MTA named `mta` writes for these results:
 * field name included, one result per folded line, ending in CRLF, ready to prepend.
 */
export function formatAuthenticationResults(input: HeaderInput): string {
  const rows: string[] = [];
  if (input.dkim.length === 0) {
    rows.push("dkim=none (message not signed)");
  }
  input.dkim.forEach((d, i) => {
    rows.push(
      resinfo("dkim", d.result, d.reason, [
        ["header.d", d.domain],
        ["header.s", d.selector],
        ["header.a", d.algorithm],
        ["header.b", input.dkimSignaturePrefixes[i]],
      ]),
    );
  });
  if (input.spf) {
    rows.push(
      resinfo("spf", input.spf.result, input.spf.reason, [
        ["smtp.mailfrom", input.spfMailFrom || undefined],
        ["smtp.helo", input.helo || undefined],
      ]),
    );
  }
  if (input.arc) {
    rows.push(resinfo("arc", input.arc.result, input.arc.reason, []));
  }
  if (input.dmarc) {
    rows.push(
      resinfo("dmarc", input.dmarc.result, input.dmarc.reason, [
        ["header.from", input.dmarc.domain],
        ["policy.dmarc", input.dmarc.policy],
      ]),
    );
  }
  return `Authentication-Results: ${formatValue(input.mta)};\r\n\t${rows.join(";\r\n\t")}\r\n`;
}
