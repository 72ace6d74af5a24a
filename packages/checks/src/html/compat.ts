import { caniemail, rawData } from "caniemail";
import type { EmailClient } from "./clients.js";

/** How well one client supports a feature, in caniemail's terms reduced to three words. */
export type Support = "yes" | "partial" | "no";

/** A feature the message uses that at least one of the chosen clients lacks. */
export interface FeatureWarning {
  /** caniemail's slug (`css-display-flex`), or `sandmail-...` for the checks caniemail does not make. */
  feature: string;
  title: string;
  /** The caniemail.com page, with the client notes; null for sandmail's own checks. */
  url: string | null;
  /** Only the clients that do not fully support it; a client missing here supports it. */
  support: Partial<Record<EmailClient, Support>>;
  /** How many places in the HTML use it. */
  count: number;
}

interface FeatureData {
  slug: string;
  title: string;
  url: string;
}

const byTitle = new Map<string, FeatureData>(
  (rawData as { data: FeatureData[] }).data.map((f) => [
    f.title,
    { slug: f.slug, title: f.title, url: f.url },
  ]),
);

function slugOf(title: string): string {
  return (
    byTitle.get(title)?.slug ??
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "")
  );
}

interface Issue {
  title: string;
  position?: { start: { line: number; column: number } };
}

/**
 * Which HTML and CSS features of `html` (inline styles and `<style>` blocks alike) some of
 * `clients` do not support, from the caniemail.com data shipped in the `caniemail` package.
 * CPU-bound on untrusted markup: callers run it off the event loop.
 */
export function featureWarnings(html: string, clients: readonly EmailClient[]): FeatureWarning[] {
  if (clients.length === 0 || html.length === 0) return [];
  const { issues } = caniemail({ clients: [...clients], html });
  const byFeature = new Map<string, FeatureWarning & { places: Set<string> }>();
  const add = (client: EmailClient, issue: Issue, support: Support) => {
    let warning = byFeature.get(issue.title);
    if (!warning) {
      const data = byTitle.get(issue.title);
      warning = {
        feature: slugOf(issue.title),
        title: issue.title,
        url: data?.url ?? null,
        support: {},
        count: 0,
        places: new Set(),
      };
      byFeature.set(issue.title, warning);
    }
    // "no" wins over "partial" when caniemail reports both for one client (different versions).
    if (warning.support[client] !== "no") warning.support[client] = support;
    const start = issue.position?.start;
    warning.places.add(start ? `${start.line}:${start.column}` : "document");
  };
  for (const [client, list] of issues.errors) for (const issue of list) add(client, issue, "no");
  for (const [client, list] of issues.warnings) for (const issue of list) add(client, issue, "partial");
  return [...byFeature.values()].map(({ places, ...warning }) => ({ ...warning, count: places.size }));
}
