import { createRequire } from "node:module";
import { loadOnce } from "@sandmail/core";
import type LinkifyIt from "linkify-it";

const require = createRequire(import.meta.url);

/** A URL found in running text. */
export interface TextUrl {
  url: string;
  index: number;
  lastIndex: number;
}

// Links a reader can follow: an explicit scheme (http, https, ftp, mailto) or a www. host.
// Bare domains ("example.com") and bare addresses are left out: in mail they are mostly
// sender names, footers and recipient addresses, not links.
// Both are built on first use, not at start-up (see loadOnce()).
const links = loadOnce(() => {
  const Linkify = require("linkify-it") as typeof LinkifyIt;
  return new Linkify({}, { fuzzyLink: true, fuzzyEmail: false, fuzzyIP: false });
});
// Everything that looks like a URL or address, so that digits inside them are never taken for codes.
const everything = loadOnce(() => {
  const Linkify = require("linkify-it") as typeof LinkifyIt;
  return new Linkify({}, { fuzzyLink: true, fuzzyEmail: true, fuzzyIP: true });
});

/** URLs in plain text, in order, as linkify-it reads them (trailing punctuation left out). */
export function findTextUrls(text: string): TextUrl[] {
  const found: TextUrl[] = [];
  for (const match of links().match(text) ?? []) {
    const explicit = match.schema !== "" && match.schema !== "//";
    const www = match.schema === "" && /^www\./i.test(match.raw);
    if (explicit || www) found.push({ url: match.url, index: match.index, lastIndex: match.lastIndex });
  }
  return found;
}

/** Spans of text covered by anything URL- or address-like, including bare domains and IPs. */
export function findUrlLikeSpans(text: string): Array<[number, number]> {
  return (everything().match(text) ?? []).map((match) => [match.index, match.lastIndex]);
}
