export { OTHER_RUN_LINE } from "./line-buffer.js";
export * from "./recorder.js";
export * from "./redact.js";
export { REDACTED, Transcript } from "./transcript.js";
