export * from "./listeners.js";
export * from "./logger.js";
export * from "./tls.js";
