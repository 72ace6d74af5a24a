import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { AppendMeta } from "../src/contract.js";
import { encodeMeta } from "../src/redis/codec.js";

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
    auth: fc.constant({ spf: { result: "none" }, dkim: [], dmarc: { result: "none" }, arc: { result: "none" } }),
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
