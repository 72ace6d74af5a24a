/** THREAD and UID THREAD (RFC 5256): ORDEREDSUBJECT and REFERENCES over the matching messages. */

import { baseSubject } from "../content/base-subject.js";
import { compileSearch, TimeSlicer } from "../content/index.js";
import { firstHeaderValue } from "../content/message-text.js";
import { sentTime, subjectOf } from "../content/sort-key.js";
import {
  formatThreads,
  messageIds,
  orderedSubject,
  references,
  type ThreadMessage,
} from "../content/thread.js";
import { atom, type Token } from "../protocol/ast.js";
import { ArgError } from "./args.js";
import { searchMailbox } from "./search-run.js";
import { readCharset } from "./sort.js";
import { defineCommand, ok, SELECTED } from "./types.js";

export const THREAD_ALGORITHMS = ["ORDEREDSUBJECT", "REFERENCES"] as const;
type Algorithm = (typeof THREAD_ALGORITHMS)[number];

export default defineCommand({
  name: "THREAD",
  states: SELECTED,
  uid: true,
  expungeAllowed: (command) => command.uid,
  parse(tokens: Token[]) {
    const first = tokens[0];
    const name = first?.type === "atom" && !first.section ? first.value.toUpperCase() : "";
    if (!(THREAD_ALGORITHMS as readonly string[]).includes(name))
      throw new ArgError("THREAD: unknown threading algorithm");
    const charset = readCharset(tokens, "THREAD");
    return { algorithm: name as Algorithm, key: compileSearch(tokens.slice(2), charset) };
  },
  async handler(ctx, { algorithm, key }) {
    const byUid = ctx.command.uid;
    const messages: ThreadMessage[] = [];
    const refs = algorithm === "REFERENCES";
    await searchMailbox(
      ctx,
      key,
      ({ seq, message, raw }) => {
        const root = message.mime;
        let references: string[] = [];
        if (refs) {
          references = messageIds(firstHeaderValue(root, raw, "references"));
          if (references.length === 0)
            references = messageIds(firstHeaderValue(root, raw, "in-reply-to")).slice(0, 1);
        }
        messages.push({
          n: byUid ? message.uid : seq,
          seq,
          subject: baseSubject(subjectOf(root, raw)),
          sent: sentTime(root, raw, message.internalDate),
          messageId: refs ? messageIds(firstHeaderValue(root, raw, "message-id"))[0] : undefined,
          references,
        });
      },
      { headers: true },
    );
    const slicer = new TimeSlicer();
    const roots = refs ? await references(messages, slicer) : await orderedSubject(messages, slicer);
    ctx.send([atom("THREAD"), ...(roots.length > 0 ? [atom(formatThreads(roots))] : [])]);
    return ok("THREAD completed");
  },
});
