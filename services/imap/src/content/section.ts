import type { SectionSpec, SectionSpecifier } from "@sandmail/mime";
import type { Token } from "../protocol/ast.js";
import { ImapSyntaxError } from "./errors.js";

const SPECIFIERS = new Set(["HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT", "TEXT", "MIME"]);

function tokenText(token: Token): string | undefined {
  if (token.type === "atom") return token.value;
  if (token.type === "string") return token.value.toString("utf8");
  return undefined;
}

/**
 * Validates the tokens between the brackets of a fetch section (RFC 3501 `section-spec`).
 * `[]` is `[]`; `[1.2.HEADER.FIELDS (From To)]` is two tokens. Throws ImapSyntaxError (BAD).
 */
export function parseSection(tokens: Token[]): SectionSpec {
  if (tokens.length === 0) return { path: [] };
  const first = tokens[0]!;
  if (first.type !== "atom") throw new ImapSyntaxError("invalid section");
  const text = first.value;
  const path: number[] = [];
  let rest = text;
  for (;;) {
    const m = /^([1-9][0-9]{0,8})(?:\.|$)/.exec(rest);
    if (!m) break;
    path.push(Number(m[1]));
    rest = rest.slice(m[0].length);
    if (rest === "" && !text.endsWith(".")) break;
  }
  if (rest === "") {
    if (text.endsWith(".")) throw new ImapSyntaxError(`invalid section: ${text}`);
    if (tokens.length > 1) throw new ImapSyntaxError(`unexpected arguments after section ${text}`);
    return { path };
  }
  const specifier = rest.toUpperCase();
  if (!SPECIFIERS.has(specifier)) throw new ImapSyntaxError(`invalid section: ${text}`);
  if (specifier === "MIME" && path.length === 0) throw new ImapSyntaxError("MIME needs a part number");
  if (specifier === "HEADER.FIELDS" || specifier === "HEADER.FIELDS.NOT") {
    const list = tokens[1];
    if (tokens.length !== 2 || !list || list.type !== "list" || list.items.length === 0) {
      throw new ImapSyntaxError(`${specifier} needs a list of header field names`);
    }
    const fields = list.items.map((item) => {
      const name = tokenText(item);
      if (name === undefined || name === "" || /[\x00-\x20\x7f:]/.test(name)) {
        throw new ImapSyntaxError("invalid header field name");
      }
      return name;
    });
    return { path, specifier, fields };
  }
  if (tokens.length > 1) throw new ImapSyntaxError(`unexpected arguments after section ${text}`);
  return { path, specifier: specifier as SectionSpecifier };
}
