/** THREAD algorithms (RFC 5256 §3) and the response format (§4) on hand-built messages. */
import { describe, expect, it } from "vitest";
import { baseSubject } from "../../src/content/base-subject.js";
import {
  formatThreads,
  messageIds,
  orderedSubject,
  references,
  type ThreadMessage,
} from "../../src/content/thread.js";
import { TimeSlicer } from "../../src/content/time-slice.js";

function msg(seq: number, subject: string, sent: number, id?: string, refs: string[] = []): ThreadMessage {
  return { n: seq, seq, subject: baseSubject(subject), sent, messageId: id, references: refs };
}

const slicer = () => new TimeSlicer();

describe("messageIds", () => {
  it("reads msg-ids, drops what has no @ and whitespace inside", () => {
    expect(messageIds("<a@b> junk <no-at> (c) <c @d>\r\n <e@f>")).toEqual(["a@b", "c@d", "e@f"]);
    expect(messageIds(undefined)).toEqual([]);
  });
});

describe("ORDEREDSUBJECT", () => {
  it("groups by base subject under the oldest, threads by their first date", async () => {
    const roots = await orderedSubject(
      [
        msg(1, "Re: b", 50),
        msg(2, "a", 10),
        msg(3, "b", 20),
        msg(4, "Re: a", 30),
        msg(5, "[x] re: A", 30),
        msg(6, "c", 5),
      ],
      slicer(),
    );
    expect(formatThreads(roots)).toBe("(6)(2 (4)(5))(3 1)");
  });
});

describe("REFERENCES", () => {
  it("links by References, keeps a dummy root for siblings and sorts siblings by date", async () => {
    const roots = await references(
      [
        msg(1, "topic", 10, "a@x"),
        msg(2, "Re: topic", 20, "b@x", ["a@x"]),
        msg(3, "Re: topic", 30, "c@x", ["a@x", "b@x"]),
        msg(4, "Re: other", 15, "d@x", ["lost@x"]),
        msg(5, "Re: other", 12, "e@x", ["lost@x"]),
        msg(6, "unrelated", 1, undefined),
      ],
      slicer(),
    );
    expect(formatThreads(roots)).toBe("(6)(1 2 3)((5)(4))");
  });

  it("never loops on references that point back at the message or its children", async () => {
    const roots = await references(
      [msg(1, "x", 1, "a@x", ["b@x"]), msg(2, "y", 2, "b@x", ["a@x"]), msg(3, "z", 3, "c@x", ["c@x"])],
      slicer(),
    );
    // 1 named b@x its parent first; 2 (b@x) then cannot become 1's child.
    expect(formatThreads(roots)).toBe("(2 1)(3)");
  });

  it("gathers threads by subject: a reply under the non-reply, two non-replies as siblings", async () => {
    const roots = await references(
      [msg(1, "Hello", 10, "a@x"), msg(2, "Re: hello", 20, "b@x"), msg(3, "hello", 30, "c@x")],
      slicer(),
    );
    expect(formatThreads(roots)).toBe("((1 2)(3))");
  });

  it("gives a duplicate Message-ID a container of its own", async () => {
    const roots = await references(
      [msg(1, "p", 1, "a@x"), msg(2, "q", 2, "a@x"), msg(3, "r", 3, "z@x", ["a@x"])],
      slicer(),
    );
    expect(formatThreads(roots)).toBe("(1 3)(2)");
  });

  it("handles a reply chain 100,000 deep without recursion", async () => {
    const chain: ThreadMessage[] = [];
    for (let i = 1; i <= 100_000; i++)
      chain.push(msg(i, `s${i}`, i, `m${i}@x`, i > 1 ? [`m${i - 1}@x`] : []));
    const text = formatThreads(await references(chain, slicer()));
    expect(text.startsWith("(1 2 3 ")).toBe(true);
    expect(text.endsWith(" 99999 100000)")).toBe(true);
  });
});
