import libbase64 from "libbase64";
import libqp from "libqp";
import { describe, expect, it } from "vitest";
import { decodeTransferPieces } from "../src/index.js";

/** A deterministic pseudo-random generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x80000000;
  };
}

const whole = (body: Buffer, encoding: string) => Buffer.concat([...decodeTransferPieces(body, encoding)]);

describe("transfer decoding in pieces", () => {
  it("gives what libqp gives for the whole body, wherever escapes, soft breaks and spaces fall", () => {
    const rnd = random(7);
    const atoms = ["=41", "=3D", "=\r\n", "=", "=A", " ", "\t", "\r\n", "x", "é", "=C3=A9", "  \r\n", "="];
    for (let round = 0; round < 6; round++) {
      const parts: string[] = [];
      let size = 0;
      // Over a megabyte: several pieces, with and without line breaks near the cuts.
      while (size < 1_200_000) {
        const atom = round % 2 === 0 ? atoms[Math.floor(rnd() * atoms.length)]! : "=A";
        parts.push(atom);
        size += atom.length;
      }
      const body = Buffer.from(parts.join(""), "latin1");
      const pieces = [...decodeTransferPieces(body, "quoted-printable")];
      expect(pieces.length).toBeGreaterThan(1);
      expect(Buffer.concat(pieces).equals(libqp.decode(body)), `round ${round}`).toBe(true);
    }
  });

  it("gives what libbase64 gives for the whole body, with and without line breaks", () => {
    const rnd = random(11);
    const data = Buffer.alloc(1_000_000);
    for (let i = 0; i < data.length; i++) data[i] = Math.floor(rnd() * 256);
    const b64 = data.toString("base64");
    for (const body of [b64, b64.replace(/.{76}/g, "$&\r\n"), b64.replace(/.{57}/g, "$& \n")]) {
      const buf = Buffer.from(body, "latin1");
      expect(whole(buf, "base64").equals(libbase64.decode(body))).toBe(true);
      expect(whole(buf, "BASE64").equals(data)).toBe(true);
    }
  });

  it("passes identity and unknown encodings through", () => {
    const body = Buffer.from("=41 plain");
    for (const encoding of ["7bit", "8bit", "binary", "x-unknown"])
      expect(whole(body, encoding).toString()).toBe("=41 plain");
  });
});
