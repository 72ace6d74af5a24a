import { describe, expect, it } from "vitest";
import { atom, literal } from "../src/protocol/ast.js";
import { statusLine, untagged } from "../src/protocol/writer.js";

const text = (chunks: Buffer[]) => Buffer.concat(chunks).toString("latin1");

describe("response writer", () => {
  it("quotes safe strings with escapes and sends NIL, numbers and lists", () => {
    expect(text(untagged([1, atom("FETCH"), [atom("X"), 'a "b" \\c', null, 12n]]))).toBe(
      '* 1 FETCH (X "a \\"b\\" \\\\c" NIL 12)\r\n',
    );
  });

  it("sends 8-bit text, CR/LF and long strings as literals with exact byte counts", () => {
    expect(text(untagged(["Grüße"]))).toBe(`* {7}\r\n${Buffer.from("Grüße").toString("latin1")}\r\n`);
    expect(text(untagged(["a\r\nb"]))).toBe("* {4}\r\na\r\nb\r\n");
    const long = "x".repeat(2000);
    expect(text(untagged([long]))).toBe(`* {2000}\r\n${long}\r\n`);
  });

  it("passes literal bodies through without copying them", () => {
    const body = Buffer.alloc(1 << 20, 0x61);
    const chunks = untagged([atom("BODY[]"), literal(body)]);
    expect(chunks.some((c) => c === body)).toBe(true);
    expect(text(untagged([literal(Buffer.alloc(0))]))).toBe('* ""\r\n');
  });

  it("keeps status lines on one line", () => {
    expect(statusLine("a1", "NO", "bad\r\nthing", "CANNOT").toString()).toBe("a1 NO [CANNOT] bad thing\r\n");
  });
});
