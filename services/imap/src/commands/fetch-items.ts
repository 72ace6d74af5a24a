/** FETCH data items (RFC 3501 §6.4.5): parsed once per command, then applied to each message. */
import type { SectionSpec } from "@sandmail/mime";
import { parseSection } from "../content/index.js";
import type { AtomToken, Token } from "../protocol/ast.js";
import { ArgError } from "./args.js";

export type FetchItem =
  | {
      kind:
        | "FLAGS"
        | "INTERNALDATE"
        | "RFC822.SIZE"
        | "ENVELOPE"
        | "BODYSTRUCTURE"
        | "BODY"
        | "UID"
        | "MODSEQ";
    }
  | { kind: "RFC822" | "RFC822.HEADER" | "RFC822.TEXT" }
  | {
      kind: "section";
      /** The response label, e.g. `BODY[1.HEADER.FIELDS (From)]<0>`. */
      label: string;
      spec: SectionSpec;
      partial?: { start: number; length: number };
      peek: boolean;
    }
  | {
      /** BINARY[part]<partial> and BINARY.SIZE[part] (RFC 3516): a part with its encoding undone. */
      kind: "binary" | "binary.size";
      label: string;
      path: number[];
      partial?: { start: number; length: number };
      peek: boolean;
    };

const MACROS: Record<string, string[]> = {
  ALL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE"],
  FAST: ["FLAGS", "INTERNALDATE", "RFC822.SIZE"],
  FULL: ["FLAGS", "INTERNALDATE", "RFC822.SIZE", "ENVELOPE", "BODY"],
};

const SIMPLE = new Set([
  "FLAGS",
  "INTERNALDATE",
  "RFC822.SIZE",
  "ENVELOPE",
  "BODYSTRUCTURE",
  "BODY",
  "UID",
  "MODSEQ",
]);
const RFC822 = new Set(["RFC822", "RFC822.HEADER", "RFC822.TEXT"]);

export function parseFetchItems(token: Token): FetchItem[] {
  if (token.type === "atom") {
    const macro = token.section ? undefined : MACROS[token.value.toUpperCase()];
    if (macro) return macro.map((name) => parseItem({ type: "atom", value: name }));
    return [parseItem(token)];
  }
  if (token.type === "list") {
    if (token.items.length === 0) throw new ArgError("FETCH: empty item list");
    return token.items.map(parseItem);
  }
  throw new ArgError("FETCH: invalid data item");
}

function parseItem(token: Token): FetchItem {
  if (token.type !== "atom") throw new ArgError("FETCH: invalid data item");
  const name = token.value.toUpperCase();
  if (!token.section) {
    if (token.partial) throw new ArgError("FETCH: partial without a section");
    if (SIMPLE.has(name)) return { kind: name as "FLAGS" };
    if (RFC822.has(name)) return { kind: name as "RFC822" };
    throw new ArgError(`FETCH: unknown data item ${token.value.slice(0, 40)}`);
  }
  if (BINARY.has(name)) return binaryItem(name, token);
  if (name !== "BODY" && name !== "BODY.PEEK") throw new ArgError(`FETCH: unknown data item ${name}`);
  const spec = parseSection(token.section);
  const partial = partialOf(token);
  const item: FetchItem = {
    kind: "section",
    label: `BODY[${sectionLabel(spec)}]${partial ? `<${partial.start}>` : ""}`,
    spec,
    peek: name === "BODY.PEEK",
  };
  if (partial) item.partial = partial;
  return item;
}

function partialOf(token: AtomToken): { start: number; length: number } | undefined {
  if (!token.partial) return undefined;
  if (token.partial.length === undefined) throw new ArgError("FETCH: partial needs <start.length>");
  return { start: token.partial.start, length: token.partial.length };
}

const BINARY = new Set(["BINARY", "BINARY.PEEK", "BINARY.SIZE"]);

/** `section-binary` is a part number or nothing (RFC 3516 §4.2): no HEADER, TEXT or MIME. */
function binaryItem(name: string, token: AtomToken): FetchItem {
  const spec = parseSection(token.section ?? []);
  if (spec.specifier) throw new ArgError(`FETCH: ${name} takes a part number only`);
  const size = name === "BINARY.SIZE";
  const partial = partialOf(token);
  if (size && partial) throw new ArgError("FETCH: BINARY.SIZE takes no partial");
  const part = spec.path.join(".");
  return {
    kind: size ? "binary.size" : "binary",
    label: `${size ? "BINARY.SIZE" : "BINARY"}[${part}]${partial ? `<${partial.start}>` : ""}`,
    path: spec.path,
    ...(partial ? { partial } : {}),
    peek: name !== "BINARY",
  };
}

function sectionLabel(spec: SectionSpec): string {
  const parts: string[] = [];
  if (spec.path.length) parts.push(spec.path.join("."));
  if (spec.specifier) parts.push(spec.specifier);
  let label = parts.join(".");
  if (spec.fields) {
    const names = spec.fields.map((f) => (/^[!#-'*+\-.0-9A-Z^-z|~]+$/.test(f) ? f : JSON.stringify(f)));
    label += ` (${names.join(" ")})`;
  }
  return label;
}

/** Whether any item needs the stored bytes. */
export function needsRaw(items: FetchItem[]): boolean {
  return items.some((i) => !["FLAGS", "INTERNALDATE", "RFC822.SIZE", "UID", "MODSEQ"].includes(i.kind));
}

/** Whether fetching these items sets \Seen (body data without .PEEK). */
export function setsSeen(items: FetchItem[]): boolean {
  return items.some(
    (i) =>
      i.kind === "RFC822" ||
      i.kind === "RFC822.TEXT" ||
      ((i.kind === "section" || i.kind === "binary") && !i.peek),
  );
}
