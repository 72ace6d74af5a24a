import { readHtml } from "./html-document.js";
import { findTextUrls } from "./text-urls.js";
import type { ExtractedLink, ExtractInput, LinkSource } from "./types.js";

// Hrefs that are not places to go: scripts, inline data, and parts of the message itself.
const NOT_LINKS = new Set(["javascript:", "vbscript:", "data:", "cid:", "mid:", "about:", "file:"]);
const SCHEME = /^([a-z][a-z0-9+.-]*:)/i;

/**
 * Every URL in the message: HTML `<a href>` / `<area href>` with their anchor text, URLs written
 * as plain text in the HTML, and URLs in the text part. One entry per URL, in document order
 * (HTML first), listing each part it appeared in.
 */
export function extractLinks(input: Pick<ExtractInput, "text" | "html">): ExtractedLink[] {
  const byKey = new Map<string, ExtractedLink>();
  const add = (url: string, source: LinkSource, text?: string) => {
    const key = sameUrlKey(url);
    const known = byKey.get(key);
    if (!known) {
      const link: ExtractedLink = text ? { url, text, sources: [source] } : { url, sources: [source] };
      byKey.set(key, link);
      return;
    }
    if (!known.sources.includes(source)) known.sources.push(source);
    // A button's label says more than a fallback anchor that just repeats the URL.
    if (text && (!known.text || (known.text === known.url && text !== known.url))) known.text = text;
  };

  if (input.html) {
    const doc = readHtml(input.html);
    const inline = findTextUrls(doc.textOutsideLinks);
    // Anchors and URLs written as text, merged back into document order by their offsets.
    let next = 0;
    for (const anchor of doc.anchors.toSorted((a, b) => a.at - b.at)) {
      for (let found = inline[next]; found && found.index < anchor.at; found = inline[++next]) {
        add(found.url, "html");
      }
      if (isFollowable(anchor.href)) add(anchor.href, "html", anchor.text || undefined);
    }
    for (let found = inline[next]; found; found = inline[++next]) add(found.url, "html");
  }
  if (input.text) {
    for (const found of findTextUrls(input.text)) add(found.url, "text");
  }
  for (const link of byKey.values()) link.sources.sort(bySourceOrder);
  return [...byKey.values()];
}

function isFollowable(href: string): boolean {
  const scheme = SCHEME.exec(href)?.[1]?.toLowerCase();
  // Relative links (with no <base>) and template placeholders lead nowhere outside the sender's app.
  if (!scheme) return false;
  if (NOT_LINKS.has(scheme)) return false;
  return href.length > scheme.length;
}

// Two spellings of one URL (host case, an empty path's slash) are one link.
function sameUrlKey(url: string): string {
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

function bySourceOrder(a: LinkSource, b: LinkSource): number {
  return a === b ? 0 : a === "html" ? -1 : 1;
}
