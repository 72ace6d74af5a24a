import { describe, expect, it } from "vitest";
import { CrlfNormalizer, isCrlfClean, normalizeCrlf } from "../src/index.js";

describe("normalizeCrlf", () => {
  it("returns a clean buffer itself, without copying", () => {
    const raw = Buffer.from("a: b\r\n\r\nbody\r\n");
    expect(normalizeCrlf(raw)).toBe(raw);
    const empty = Buffer.alloc(0);
    expect(normalizeCrlf(empty)).toBe(empty);
  });

  it.each([
    ["a\nb\n", "a\r\nb\r\n"],
    ["a\rb\r", "a\r\nb\r\n"],
    ["\n\r\n\r", "\r\n\r\n\r\n"],
    ["x\r\ny\nz\r", "x\r\ny\r\nz\r\n"],
    ["\r\r\n\n", "\r\n\r\n\r\n"],
    ["no line end", "no line end"],
  ])("%j -> %j", (input, output) => {
    const out = normalizeCrlf(Buffer.from(input, "latin1"));
    expect(out.toString("latin1")).toBe(output);
    expect(isCrlfClean(out)).toBe(true);
  });

  it("keeps every other byte, 8-bit and NUL included", () => {
    const bytes = Buffer.from([0x00, 0xff, 0x0a, 0xc3, 0xa9, 0x0d, 0x80]);
    expect([...normalizeCrlf(bytes)]).toEqual([0x00, 0xff, 0x0d, 0x0a, 0xc3, 0xa9, 0x0d, 0x0a, 0x80]);
  });
});

describe("CrlfNormalizer", () => {
  const samples = [
    "a\r\nb\r\n",
    "a\nb\rc\r\n\r\r\n\n",
    "\r",
    "\n",
    "x\r",
    "line\r\n".repeat(50) + "bare\nend\r",
    "\r\n\r\n\r\r\r\n\n\n",
  ];

  it.each(samples)("gives what normalizeCrlf gives for %j, however it is cut into chunks", (text) => {
    const whole = Buffer.from(text, "latin1");
    const expected = normalizeCrlf(whole).toString("latin1");
    for (let size = 1; size <= whole.length; size++) {
      const n = new CrlfNormalizer();
      const out: Buffer[] = [];
      for (let at = 0; at < whole.length; at += size) out.push(n.push(whole.subarray(at, at + size)));
      out.push(n.end());
      expect(Buffer.concat(out).toString("latin1"), `chunks of ${size}`).toBe(expected);
    }
  });

  it("passes a clean chunk through as it is", () => {
    const n = new CrlfNormalizer();
    const chunk = Buffer.from("clean\r\nlines\r\n");
    expect(n.push(chunk)).toBe(chunk);
    expect(n.end().length).toBe(0);
  });
});
