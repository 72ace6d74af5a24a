import { compileMatcher } from "@sandmail/matcher";
import type { AssertionOf } from "../schemas/assert.js";
import { listed, quoted } from "./listing.js";
import type { AssertContext, Outcome } from "./types.js";

/** Against the extracted links (the same list the message view shows), so both agree. */
export function assertLink(a: AssertionOf<"link">, { content }: AssertContext): Outcome {
  const urls = content.links.map((l) => l.url);
  const matcher = compileMatcher(a);
  const hit = urls.find((url) => matcher.test(url));
  const wanted = `a link that ${matcher.describe()}`;
  return hit !== undefined
    ? { pass: true, actual: listed(urls), message: `${wanted}: ${hit}` }
    : { pass: false, actual: listed(urls), message: `expected ${wanted}; links: ${quoted(urls)}` };
}
