export * from "./logger.js";
export * from "./tls.js";
