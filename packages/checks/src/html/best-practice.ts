import type { EmailClient } from "./clients.js";
import type { FeatureWarning } from "./compat.js";
import type { HtmlScan } from "./scan.js";

/** Gmail cuts an HTML body after 102 KB and shows "[Message clipped]". */
export const GMAIL_CLIP_BYTES = 102 * 1024;

export interface HtmlMessageParts {
  html: string;
  /** The message's own text/plain part, if it has one (not a rendering of the HTML). */
  text?: string;
}

const http = (url: string) => /^http:/i.test(url);

/** The checks a template review makes that caniemail's data does not cover. */
export function bestPracticeWarnings(
  parts: HtmlMessageParts,
  scan: HtmlScan,
  clients: readonly EmailClient[],
): FeatureWarning[] {
  const warnings: FeatureWarning[] = [];
  const own = (feature: string, title: string, count: number, support: FeatureWarning["support"] = {}) => {
    if (count > 0) warnings.push({ feature: `sandmail-${feature}`, title, url: null, support, count });
  };
  own("no-text-part", "No plain-text alternative", parts.text?.trim() ? 0 : 1);
  own("img-missing-alt", "<img> without alt text", scan.images.filter((img) => img.alt === undefined).length);
  const bytes = Buffer.byteLength(parts.html, "utf8");
  const gmail = clients.filter((client) => client.startsWith("gmail."));
  if (gmail.length > 0 && bytes > GMAIL_CLIP_BYTES) {
    own(
      "gmail-clip",
      `HTML over 102 KB (${Math.ceil(bytes / 1024)} KB): Gmail clips it`,
      1,
      Object.fromEntries(gmail.map((client) => [client, "no"])),
    );
  }
  own("insecure-image", "Image loaded over http:", scan.images.filter((img) => http(img.src)).length);
  own("insecure-link", "Link to an http: URL", scan.hrefs.filter(http).length);
  return warnings;
}
