import type { StoredMessage } from "@sandmail/core";
import type { MessageContent, ParsedMessage } from "@sandmail/mime";
import type { CheckResults } from "./checks.js";

/** Everything an assertion may look at, read once per request. */
export interface AssertContext {
  msg: StoredMessage;
  parsed: ParsedMessage;
  content: MessageContent;
  /** Message checks, run before evaluation when an assertion needs one. */
  checks?: CheckResults;
}

/** One assertion's verdict; `actual` is what the message had, so a CI log shows what differed. */
export interface Outcome {
  pass: boolean;
  actual: unknown;
  message: string;
}
