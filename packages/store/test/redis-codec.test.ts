import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AppendMeta } from "../src/contract.js";
import { encodeMeta } from "../src/redis/codec.js";
import { RunKeys } from "../src/redis/keys.js";

const address = fc.record({ name: fc.string(), address: fc.string() });
const meta: fc.Arbitrary<AppendMeta> = fc.record(
  {
    summary: fc.record(
      {
        subject: fc.string(),
        from: fc.array(address, { maxLength: 2 }),
        to: fc.array(address, { maxLength: 2 }),
        cc: fc.array(address, { maxLength: 2 }),
        // Invalid dates included (JSON has them as null), and whole seconds that repeat.
        date: fc.oneof(fc.date(), fc.constantFrom(new Date(Number.NaN), new Date(1_800_000_000_000))),
        messageId: fc.string(),
      },
      { requiredKeys: ["subject", "from", "to", "cc"] },
    ),
    auth: fc.constant({
      spf: { result: "none" },
      dkim: [],
      dmarc: { result: "none" },
      arc: { result: "none" },
    }),
  },
  { requiredKeys: ["summary"] },
) as fc.Arbitrary<AppendMeta>;

describe("encodeMeta", () => {
  it("writes what JSON.stringify writes, message after message", () => {
    fc.assert(
      fc.property(fc.array(meta, { minLength: 1, maxLength: 5 }), (metas) => {
        for (const m of metas) expect(encodeMeta(m)).toBe(JSON.stringify(m));
      }),
    );
  });

  it("writes a date changed in place since the last message as it is now", () => {
    const date = new Date(1_800_000_000_000);
    const m = { summary: { subject: "s", from: [], to: [], cc: [], date } } as unknown as AppendMeta;
    expect(encodeMeta(m)).toBe(JSON.stringify(m));
    date.setTime(1_800_000_001_000);
    expect(encodeMeta(m)).toBe(JSON.stringify(m));
  });
});

describe("RunKeys", () => {
  it("names the same keys when it makes them again as when it made them first", () => {
    const keys = new RunKeys("sm:", "run1");
    const first = [keys.fixed("seq", "ev"), keys.address("a@x"), keys.mailbox("m1"), keys.recipient("a@x")];
    const again = [keys.fixed("seq", "ev"), keys.address("a@x"), keys.mailbox("m1"), keys.recipient("a@x")];
    expect(again).toEqual(first);
    expect(keys.mailbox("m2")).toEqual([
      "sm:{run1}:mb:m2",
      "sm:{run1}:ix:m2",
      "sm:{run1}:fl:m2",
      "sm:{run1}:gone:m2",
    ]);
    expect(keys.mailbox("m1")).toEqual([
      "sm:{run1}:mb:m1",
      "sm:{run1}:ix:m1",
      "sm:{run1}:fl:m1",
      "sm:{run1}:gone:m1",
    ]);
    expect(keys.recipient("b@x")).toBe("sm:{run1}:rcpt:b@x");
    expect(keys.address("b@x")).toEqual(["sm:{run1}:names:b@x", "sm:{run1}:subs:b@x", "sm:{run1}:aseq:b@x"]);
    // A list handed out is the caller's: changing it changes no later one.
    const mine = keys.address("b@x");
    mine.push("x");
    expect(keys.address("b@x")).toHaveLength(3);
  });
});
