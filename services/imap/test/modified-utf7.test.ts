/** The modified UTF-7 codec of mailbox names (RFC 3501 §5.1.3), strict as Dovecot is. */
import { describe, expect, it } from "vitest";
import { decodeModifiedUtf7, encodeModifiedUtf7, ModifiedUtf7Error } from "../src/protocol/modified-utf7.js";

describe("modified UTF-7", () => {
  it("writes and reads the RFC's examples and everyday names", () => {
    const pairs: Array<[string, string]> = [
      ["INBOX", "INBOX"],
      ["~peter/mail/台北/日本語", "~peter/mail/&U,BTFw-/&ZeVnLIqe-"],
      ["Entwürfe", "Entw&APw-rfe"],
      ["A & B", "A &- B"],
      ["&", "&-"],
      ["Привет", "&BB8EQAQ4BDIENQRC-"],
      ["😀 mail", "&2D3eAA- mail"],
      ["tab\there", "tab&AAk-here"],
    ];
    for (const [text, wire] of pairs) {
      expect(encodeModifiedUtf7(text)).toBe(wire);
      expect(decodeModifiedUtf7(wire)).toBe(text);
    }
  });

  it("round-trips every BMP range and astral characters", () => {
    let text = "";
    for (let c = 0x80; c < 0xd800; c += 97) text += String.fromCharCode(c);
    text += "x\u{1F600}y\u{10FFFF}";
    expect(decodeModifiedUtf7(encodeModifiedUtf7(text))).toBe(text);
  });

  it("refuses what no correct encoder writes", () => {
    for (const wire of [
      "&Jjo!", // a character outside the base64 alphabet
      "&AGEAYgBj", // never closed with '-'
      "&", // bare
      "&AGE-", // printable ASCII ('a') encoded in base64
      "&AOk", // unterminated at the end
      "&AO-", // leftover bits: not a whole UTF-16 unit
      "&AOl-", // non-zero padding bits
      "&2D0-", // a lone high surrogate
      "caf\u00e9", // 8-bit characters are not modified UTF-7
    ]) {
      expect(() => decodeModifiedUtf7(wire), wire).toThrow(ModifiedUtf7Error);
    }
  });
});
