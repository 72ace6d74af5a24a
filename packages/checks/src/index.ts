export { GMAIL_CLIP_BYTES, type HtmlMessageParts } from "./html/best-practice.js";
export { checkHtml, type HtmlCheck } from "./html/check-html.js";
export { ALL_CLIENTS, clientFamilies, type EmailClient, resolveClients } from "./html/clients.js";
export type { FeatureWarning, Support } from "./html/compat.js";
export { scanHtml } from "./html/scan.js";
export {
  checkLinks,
  isBroken,
  type LinkCheckOptions,
  type LinkResult,
  type Redirect,
} from "./links/check-links.js";
export { guardedAgent } from "./links/guarded-agent.js";
export { describeRequestFailure } from "./links/request-failure.js";
export { loadUndici } from "./links/undici.js";
export { parseUrlPolicy, type UrlPolicy } from "./links/url-policy.js";
export { parseRspamdAnswer, rspamdEngine } from "./spam/rspamd.js";
export { parseSpamdAddress, parseSpamdResponse, spamdEngine } from "./spam/spamd.js";
export type { SpamEngine, SpamReport, SpamRule } from "./spam/types.js";
