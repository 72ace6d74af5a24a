export * from "./recorder.js";
export * from "./redact.js";
export { OTHER_RUN_LINE, REDACTED, Transcript } from "./transcript.js";
