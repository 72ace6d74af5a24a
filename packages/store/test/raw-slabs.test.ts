import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { RawSlabs } from "../src/memory/raw-slabs.js";

describe("RawSlabs", () => {
  it("keeps exact, independent copies across slab boundaries and for large messages", () => {
    const slabs = new RawSlabs(1024);
    const inputs = [10, 200, 255, 256, 257, 700, 1, 5000, 300, 300, 300].map((n) => randomBytes(n));
    const kept = inputs.map((b) => slabs.keep(b));
    const originals = inputs.map((b) => Buffer.from(b));
    for (const b of inputs) b.fill(0); // the caller's buffers are reused: the copies must not follow
    kept.forEach((k, i) => {
      expect(k.equals(originals[i] as Buffer), `message ${i}`).toBe(true);
      expect(k.length).toBe(originals[i]?.length);
    });
    // Small messages share slabs; one over a quarter of a slab gets its own buffer.
    expect(kept[0]?.buffer).toBe(kept[1]?.buffer);
    expect(kept[7]?.byteLength).toBe(5000);
    expect(kept[7]?.buffer.byteLength).toBe(5000);
  });
});
