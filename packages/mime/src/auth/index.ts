export { authenticateMessage, authResultsCutOff } from "./authenticate.js";
export { parseAuthenticationResults } from "./parse-authentication-results.js";
export { createRunResolver, systemDnsFallback } from "./run-resolver.js";
export { MAX_DKIM_SIGNATURES } from "./signature-cap.js";
export * from "./types.js";
export { UnsignedAuthMemo } from "./unsigned-memo.js";
