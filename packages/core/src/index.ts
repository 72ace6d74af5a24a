export * from "./domain.js";
export * from "./errors.js";
export * from "./config.js";
export * from "./ids.js";
