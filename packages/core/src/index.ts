export * from "./auth-results.js";
export * from "./config.js";
export * from "./domain.js";
export * from "./errors.js";
export * from "./faults.js";
export * from "./ids.js";
export * from "./login.js";
export * from "./lower-bound.js";
