import type { StoredMessage } from "@sandmail/core";
import type { MessageContent, ParsedMessage } from "@sandmail/mime";

/** Everything an assertion may look at, read once per request. */
export interface AssertContext {
  msg: StoredMessage;
  parsed: ParsedMessage;
  content: MessageContent;
}

/** One assertion's verdict; `actual` is what the message had, so a CI log shows what differed. */
export interface Outcome {
  pass: boolean;
  actual: unknown;
  message: string;
}
