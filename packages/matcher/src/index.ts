export * from "./errors.js";
export * from "./matcher.js";
export * from "./pattern.js";
export * from "./schema.js";
