export * from "./auth-results.js";
export * from "./config.js";
export * from "./domain.js";
export * from "./errors.js";
export * from "./extraction.js";
export * from "./ids.js";
export * from "./login.js";
export * from "./lower-bound.js";
