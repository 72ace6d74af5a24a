import { rawData } from "caniemail";
import type { EmailClient } from "./clients.js";
import type { FeatureWarning, Support } from "./compat.js";

interface AmpData {
  slug: string;
  title: string;
  url: string;
  stats: Record<string, Record<string, Record<string, string>>>;
}

const amp = (rawData as unknown as { data: AmpData[] }).data.find((feature) => feature.slug === "amp");

/** caniemail's support letter of the newest test of one client (`y`, `a` partial, `n`; notes after a space). */
function latestSupport(client: EmailClient): Support | undefined {
  const [family, platform] = client.split(".") as [string, string];
  const versions = amp?.stats[family]?.[platform];
  if (!versions) return undefined;
  const latest = Object.values(versions).at(-1)?.charAt(0);
  return latest === "y" ? "yes" : latest === "a" ? "partial" : latest === "n" ? "no" : undefined;
}

/**
 * AMP for Email: caniemail's checker has no test for it, so the AMP document (`<html ⚡4email>`
 * or `amp4email`) is recognized here and rated from the same data set.
 */
export function ampWarning(html: string, clients: readonly EmailClient[]): FeatureWarning | undefined {
  if (!amp || !/<html\b[^>]*(?:⚡4email|amp4email)/i.test(html.slice(0, 4096))) return undefined;
  const support: FeatureWarning["support"] = {};
  for (const client of clients) {
    const level = latestSupport(client);
    if (level && level !== "yes") support[client] = level;
  }
  if (Object.keys(support).length === 0) return undefined;
  return { feature: amp.slug, title: amp.title, url: amp.url, support, count: 1 };
}
