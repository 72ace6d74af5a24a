import { describe, expect, it } from "vitest";
import { concatShared, isShared, sharedBytes } from "../src/index.js";
import { MiB, pattern } from "./support/pattern.js";

describe("concatShared", () => {
  it("joins the parts in order on shared memory, across many steps", async () => {
    const parts = [pattern(3 * MiB + 17, 1), Buffer.alloc(0), pattern(5, 2), pattern(700 * 1024, 3)];
    const out = await concatShared(parts);
    expect(isShared(out)).toBe(true);
    expect(out.equals(Buffer.concat(parts))).toBe(true);
  });

  it("many joins at once each get their own bytes", async () => {
    const inputs = Array.from({ length: 12 }, (_, i) => [
      pattern(MiB + i * 4099, i),
      pattern(300 * 1024, i + 100),
    ]);
    const outs = await Promise.all(inputs.map((parts) => concatShared(parts)));
    for (const [i, out] of outs.entries()) expect(out.equals(Buffer.concat(inputs[i]!))).toBe(true);
  });

  it("gives the event loop turns while it copies", async () => {
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    try {
      await concatShared([pattern(24 * MiB, 9)]);
    } finally {
      clearInterval(ticker);
    }
    // One copy of 24 MiB in one go would let no timer run before it finished.
    expect(turns).toBeGreaterThan(2);
  });

  it("sharedBytes keeps shared bytes as they are and copies the others", async () => {
    const shared = await concatShared([pattern(10, 5)]);
    expect(await sharedBytes(shared)).toBe(shared);
    const plain = pattern(10, 6);
    const copy = await sharedBytes(plain);
    expect(isShared(copy)).toBe(true);
    expect(Buffer.from(copy).equals(plain)).toBe(true);
  });
});
