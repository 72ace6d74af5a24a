import type { AssertionOf } from "../schemas/assert.js";
import { describeMatcher, listed, quoted, textTest } from "./text-match.js";
import type { AssertContext, Outcome } from "./types.js";

/** Against the extracted links (the same list the message view shows), so both agree. */
export function assertLink(a: AssertionOf<"link">, { content }: AssertContext): Outcome {
  const urls = content.links.map((l) => l.url);
  const test = textTest(a);
  const hit = urls.find(test);
  const wanted = `a link ${describeMatcher(a)}`;
  return hit !== undefined
    ? { pass: true, actual: listed(urls), message: `${wanted}: ${hit}` }
    : { pass: false, actual: listed(urls), message: `expected ${wanted}; links: ${quoted(urls)}` };
}
