import { ampWarning } from "./amp.js";
import { bestPracticeWarnings, type HtmlMessageParts } from "./best-practice.js";
import type { EmailClient } from "./clients.js";
import { type FeatureWarning, featureWarnings, type Support } from "./compat.js";
import { scanHtml } from "./scan.js";

export interface HtmlCheck {
  /**
   * 0-100: the share of (feature, client) pairs that are supported, over the features of this
   * message that some chosen client lacks, partial support counting half; 100 when every chosen
   * client supports everything the message uses. sandmail's own checks do not lower it.
   */
  score: number;
  clients: EmailClient[];
  warnings: FeatureWarning[];
}

const weight: Record<Support, number> = { yes: 1, partial: 0.5, no: 0 };

function scoreOf(warnings: readonly FeatureWarning[], clients: readonly EmailClient[]): number {
  const features = warnings.filter((w) => w.url !== null);
  if (features.length === 0 || clients.length === 0) return 100;
  let sum = 0;
  for (const warning of features) {
    for (const client of clients) sum += weight[warning.support[client] ?? "yes"];
  }
  return Math.round((100 * sum) / (features.length * clients.length));
}

/**
 * The whole HTML check of one message. `clients` is a resolved list (see resolveClients); a
 * message without HTML has nothing to check and scores 100.
 */
export function checkHtml(parts: HtmlMessageParts, clients: readonly EmailClient[]): HtmlCheck {
  if (!parts.html) return { score: 100, clients: [...clients], warnings: [] };
  const amp = ampWarning(parts.html, clients);
  const warnings = [
    ...(amp ? [amp] : []),
    ...featureWarnings(parts.html, clients),
    ...bestPracticeWarnings(parts, scanHtml(parts.html), clients),
  ];
  return { score: scoreOf(warnings, clients), clients: [...clients], warnings };
}
