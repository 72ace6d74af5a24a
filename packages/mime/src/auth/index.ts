export { authenticateMessage } from "./authenticate.js";
export { parseAuthenticationResults } from "./parse-authentication-results.js";
export { createRunResolver, systemDnsFallback } from "./run-resolver.js";
export * from "./types.js";
export { UnsignedAuthMemo } from "./unsigned-memo.js";
