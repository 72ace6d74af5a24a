import { describe, expect, it } from "vitest";
import { isCrlfClean, normalizeCrlf } from "../src/index.js";

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
