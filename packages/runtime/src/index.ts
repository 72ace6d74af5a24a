export * from "./client-key.js";
export * from "./connection-limiter.js";
export * from "./listeners.js";
export * from "./logger.js";
export * from "./login-throttle.js";
export * from "./socket-io.js";
export * from "./tls.js";
export * from "./transcripts/index.js";
