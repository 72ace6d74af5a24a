import type { StoredMessage } from "@sandmail/core";

/**
 * Message bytes a wait answers whole. Past it the answer would not fit in memory or in one JSON
 * string (22 messages of 25 MiB made a 500: V8's longest string is ~512 Mi characters), and no
 * client wants hundreds of MiB in one response; the rest are answered from their summaries and
 * read whole by id.
 */
export const WAIT_ANSWER_BYTES = 64 * 1024 * 1024;

/**
 * How many of `messages` (in answer order) are answered whole: while their sizes add up to at
 * most `budget`, and the first always, so one message of any size is answered as GET by id does.
 */
export function wholeCount(
  messages: readonly Pick<StoredMessage, "size">[],
  budget = WAIT_ANSWER_BYTES,
): number {
  let used = 0;
  for (const [i, msg] of messages.entries()) {
    used += msg.size;
    if (i > 0 && used > budget) return i;
  }
  return messages.length;
}
