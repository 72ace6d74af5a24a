/** A header field of the message's top-level header block, unfolded. */
export interface HeaderField {
  /** Lowercased. */
  name: string;
  value: string;
}

function headerBlock(raw: Buffer): string {
  const crlf = raw.indexOf("\r\n\r\n");
  const lf = raw.indexOf("\n\n");
  const ends = [crlf, lf].filter((i) => i >= 0);
  const end = ends.length ? Math.min(...ends) : raw.length;
  // SMTPUTF8 headers are UTF-8; invalid bytes decode to U+FFFD rather than failing.
  return raw.subarray(0, end).toString("utf8");
}

/**
 * Header fields a signer or sealer leaves (DKIM, ARC): a message with none of them is unsigned,
 * and its results depend only on the envelope, the client and the DNS records.
 */
export const SIGNING_TRACE_FIELDS: ReadonlySet<string> = new Set([
  "dkim-signature",
  "arc-seal",
  "arc-message-signature",
  "arc-authentication-results",
]);

/** The top-level header fields in order (topmost first). Lines without a colon are skipped. */
export function readHeaderFields(raw: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  let current: string | undefined;
  const flush = () => {
    if (current === undefined) return;
    const colon = current.indexOf(":");
    if (colon > 0) {
      fields.push({
        name: current.slice(0, colon).trim().toLowerCase(),
        value: current.slice(colon + 1).trim(),
      });
    }
    current = undefined;
  };
  for (const line of headerBlock(raw).split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current !== undefined) {
      current += ` ${line.trim()}`;
    } else {
      flush();
      current = line;
    }
  }
  flush();
  return fields;
}

/** Tags of a DKIM-Signature value (`d=example.com; s=sel; ...`), keys lowercased. */
export function parseTagList(value: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of value.split(";")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    tags[part.slice(0, eq).trim().toLowerCase()] = part.slice(eq + 1).replace(/\s+/g, "");
  }
  return tags;
}

/**
 * The domain of a From header's address, good enough to fetch its DMARC record early; the
 * address DMARC is decided on comes from mailauth's own parse of the header.
 */
export function guessFromDomain(from: string | undefined): string | undefined {
  if (!from) return undefined;
  const bracketed = /<[^<>]*@([^<>\s]+)>/.exec(from);
  const bare = /@([A-Za-z0-9.-]+)\s*$/.exec(from);
  const domain = (bracketed?.[1] ?? bare?.[1])?.toLowerCase().replace(/\.+$/, "");
  return domain && /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(domain) ? domain : undefined;
}
