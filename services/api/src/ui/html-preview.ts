import type { ParsedAttachment } from "@sandmail/mime";
import { safeMediaType } from "../support/content-disposition.js";

/** Inline images larger than this stay as cid: links (and show as broken) rather than bloat the page. */
const MAX_INLINE_IMAGE_BYTES = 5 * 1024 * 1024;

/**
 * The CSP of a message's HTML view. `sandbox` (no allow-scripts, no allow-same-origin) makes the
 * document inert and origin-less even when opened in a tab of its own; popups may escape it so a
 * clicked link opens as a normal page. Without `remote`, nothing leaves the server: no tracking
 * pixel, remote stylesheet, font or CSS url() loads, since inline images arrive as data: URIs.
 */
export function htmlPreviewCsp(remote: boolean): string {
  const hosts = remote ? " http: https:" : "";
  return [
    "sandbox allow-popups allow-popups-to-escape-sandbox",
    "default-src 'none'",
    `style-src 'unsafe-inline'${hosts}`,
    `img-src data:${hosts}`,
    `font-src data:${hosts}`,
    `media-src data:${hosts}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'self'",
  ].join("; ");
}

function bareContentId(contentId: string): string {
  return contentId.replace(/^<|>$/g, "").toLowerCase();
}

/**
 * The message's HTML as the preview serves it: `cid:` references to inline images become data:
 * URIs (the sandboxed document has no origin, so it could not fetch them with the session
 * cookie), and links open outside the frame. Everything else is left as the sender wrote it;
 * the CSP above, not rewriting, is what keeps it harmless.
 */
export function htmlPreviewDocument(html: string, attachments: readonly ParsedAttachment[]): string {
  const images = new Map<string, ParsedAttachment>();
  for (const att of attachments) {
    if (att.contentId && safeMediaType(att.contentType).startsWith("image/")) {
      images.set(bareContentId(att.contentId), att);
    }
  }
  const body =
    images.size === 0
      ? html
      : html.replace(/cid:([^"'\s)>]+)/gi, (whole, id: string) => {
          const att = images.get(bareContentId(decodeURIComponentSafe(id)));
          if (!att || att.content.length > MAX_INLINE_IMAGE_BYTES) return whole;
          return `data:${safeMediaType(att.contentType)};base64,${att.content.toString("base64")}`;
        });
  // After the sender's doctype, if any, so the document keeps the rendering mode it asked for.
  const doctype = /^\s*<!doctype[^>]*>/i.exec(body)?.[0] ?? "";
  return `${doctype}<base target="_blank">${body.slice(doctype.length)}`;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
