import { createRequire } from "node:module";
import { loadOnce } from "@sandmail/core";
import { collapseWhitespace, normalizeText } from "./normalize-text.js";

// Loaded on the first HTML body, not at start-up (see loadOnce()).
const require = createRequire(import.meta.url);
const htmlparser2 = loadOnce(() => require("htmlparser2") as typeof import("htmlparser2"));

/** An `<a href>` or `<area href>` as written, before any filtering. */
export interface HtmlAnchor {
  /** The attribute value, entities decoded, resolved against `<base href>` when relative. */
  href: string;
  /** Anchor text, whitespace-collapsed; the alt text of its images when it has no text. */
  text: string;
  /** Where the anchor sits in `textOutsideLinks`, so both can be put in document order. */
  at: number;
}

export interface HtmlDocument {
  /** The visible text, one block per line: what a reader sees, without markup or attribute values. */
  text: string;
  /** The visible text outside links, not normalized (anchor offsets point into it): where URLs written as plain text in the HTML are looked for. */
  textOutsideLinks: string;
  anchors: HtmlAnchor[];
}

// Elements whose content is never shown to a reader.
const HIDDEN = new Set(["head", "title", "style", "script", "template", "noscript", "xml"]);
// Elements that start a new line when rendered. Table rows do; cells of one row stay on one line,
// so a label and its value ("Code | 482913") or a code typed one digit per cell read as one line.
const BLOCK = new Set([
  "address",
  "article",
  "aside",
  "blockquote",
  "br",
  "caption",
  "center",
  "dd",
  "div",
  "dl",
  "dt",
  "figcaption",
  "figure",
  "footer",
  "form",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "header",
  "hr",
  "li",
  "main",
  "nav",
  "ol",
  "p",
  "pre",
  "section",
  "table",
  "tbody",
  "tfoot",
  "thead",
  "tr",
  "ul",
]);
const CELLS = new Set(["td", "th"]);
const ANCHORS = new Set(["a", "area"]);

interface OpenAnchor {
  href: string;
  at: number;
  parts: string[];
  alts: string[];
}

/**
 * Reads HTML once with a forgiving streaming parser (broken markup is normal in mail): the
 * visible text for code extraction and the anchors for link extraction.
 */
export function readHtml(html: string): HtmlDocument {
  const text: string[] = [];
  const outside: string[] = [];
  const anchors: HtmlAnchor[] = [];
  // Every open <a>, null for those without href, so a closing tag pops the anchor it belongs to.
  const open: Array<OpenAnchor | null> = [];
  const linking = () => open.filter((anchor): anchor is OpenAnchor => anchor !== null);
  let hiddenDepth = 0;
  let preDepth = 0;
  let base: URL | undefined;

  const resolve = (href: string): string => {
    const cleaned = href.trim().replace(/[\t\r\n]/g, "");
    if (!base || /^[a-z][a-z0-9+.-]*:/i.test(cleaned)) return cleaned;
    try {
      return new URL(cleaned, base).href;
    } catch {
      return cleaned;
    }
  };
  let outsideLength = 0;
  const pushOutside = (piece: string) => {
    outside.push(piece);
    outsideLength += piece.length;
  };
  const lineBreak = () => {
    text.push("\n");
    pushOutside("\n");
  };

  const cellBreak = () => {
    text.push(" ");
    pushOutside(" ");
  };

  const parser = new (htmlparser2().Parser)(
    {
      onopentag(name, attribs) {
        if (name === "base" && attribs.href && !base) {
          try {
            base = new URL(attribs.href.trim());
          } catch {
            // A relative or broken base resolves nothing.
          }
        }
        if (HIDDEN.has(name)) hiddenDepth++;
        if (hiddenDepth > 0) return;
        if (name === "pre") preDepth++;
        if (BLOCK.has(name)) lineBreak();
        if (CELLS.has(name)) cellBreak();
        if (name === "img" && attribs.alt) {
          for (const anchor of linking()) anchor.alts.push(attribs.alt);
        }
        if (name === "a" && attribs.href === undefined) open.push(null);
        if (ANCHORS.has(name) && attribs.href !== undefined) {
          const anchor = { href: resolve(attribs.href), at: outsideLength, parts: [], alts: [] as string[] };
          if (name === "area") {
            if (attribs.alt) anchor.alts.push(attribs.alt);
            anchors.push(finish(anchor));
          } else {
            open.push(anchor);
            pushOutside(" ");
          }
        }
      },
      ontext(data) {
        if (hiddenDepth > 0) return;
        const piece = preDepth > 0 ? data : data.replace(/[ \t\r\n\f]+/g, " ");
        text.push(piece);
        const inside = linking();
        if (inside.length > 0) {
          for (const anchor of inside) anchor.parts.push(piece);
        } else {
          pushOutside(piece);
        }
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) {
          hiddenDepth = Math.max(0, hiddenDepth - 1);
          return;
        }
        if (hiddenDepth > 0) return;
        if (name === "pre") preDepth = Math.max(0, preDepth - 1);
        if (name === "a") {
          const anchor = open.pop();
          if (anchor) {
            anchors.push(finish(anchor));
            pushOutside(" ");
          }
        }
        if (BLOCK.has(name)) lineBreak();
        if (CELLS.has(name)) cellBreak();
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  // Anchors left open by broken markup still count.
  for (const anchor of linking().reverse()) anchors.push(finish(anchor));

  return {
    text: renderBlocks(text),
    textOutsideLinks: outside.join(""),
    anchors: anchors,
  };
}

function finish(anchor: OpenAnchor): HtmlAnchor {
  const text = collapseWhitespace(anchor.parts.join(""));
  return { href: anchor.href, text: text || collapseWhitespace(anchor.alts.join(" ")), at: anchor.at };
}

// Blocks were opened and closed with a line break each; one line per block reads best.
function renderBlocks(pieces: string[]): string {
  return normalizeText(pieces.join("")).replace(/\n{2,}/g, "\n");
}
