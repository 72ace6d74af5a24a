import { type HtmlCheck, isBroken, type LinkResult, type SpamReport } from "@sandmail/checks";
import type { AssertionOf } from "../schemas/assert.js";
import type { AssertContext, Outcome } from "./types.js";

/**
 * The results of the message checks the assertions of one request need, run once before the
 * (synchronous) assertions are evaluated; keyed like the assertions ask for them.
 */
export interface CheckResults {
  html: Map<string, HtmlCheck>;
  links: Map<boolean, LinkResult[]>;
  spam?: SpamReport;
}

export const htmlKey = (a: AssertionOf<"html">) => (a.clients ?? []).join(",");

export function assertHtml(a: AssertionOf<"html">, { checks }: AssertContext): Outcome {
  const check = checks?.html.get(htmlKey(a));
  if (!check) throw new Error("the HTML check was not run before the assertions");
  const features = check.warnings.map((w) => w.feature);
  const actual = { score: check.score, warnings: features.length, features };
  const pass = features.length <= a.maxWarnings;
  return {
    pass,
    actual,
    message: pass
      ? `${features.length} HTML warning(s), at most ${a.maxWarnings} allowed`
      : `expected at most ${a.maxWarnings} HTML warning(s), found ${features.length}: ${features.join(", ")}`,
  };
}

export function assertLinks(a: AssertionOf<"links">, { checks }: AssertContext): Outcome {
  const links = checks?.links.get(a.images ?? false);
  if (!links) throw new Error("the link check was not run before the assertions");
  const broken = links.filter(isBroken).map(({ url, status, error }) => ({ url, status, error }));
  const pass = broken.length === 0;
  const describe = (b: (typeof broken)[number]) => `${b.url} (${b.error ?? b.status})`;
  return {
    pass,
    actual: { checked: links.length, broken },
    message: pass
      ? `all ${links.length} link(s) answered`
      : `${broken.length} of ${links.length} link(s) broken: ${broken.map(describe).join(", ")}`,
  };
}

export function assertSpam(a: AssertionOf<"spam">, { checks }: AssertContext): Outcome {
  const spam = checks?.spam;
  if (!spam) throw new Error("the spam check was not run before the assertions");
  const pass = spam.score <= a.maxScore;
  const top = spam.rules.filter((r) => r.score > 0).map((r) => `${r.name} (${r.score})`);
  return {
    pass,
    actual: {
      score: spam.score,
      threshold: spam.threshold,
      isSpam: spam.isSpam,
      rules: spam.rules.map((r) => r.name),
    },
    message: pass
      ? `spam score ${spam.score}, at most ${a.maxScore}`
      : `expected a spam score of at most ${a.maxScore}, got ${spam.score}${top.length ? `: ${top.join(", ")}` : ""}`,
  };
}
