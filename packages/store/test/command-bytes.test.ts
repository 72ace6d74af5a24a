import { Command } from "ioredis";
import { describe, expect, it } from "vitest";
import { EncodedCommand, encodeCommand } from "../src/redis/command-bytes.js";

/** ioredis's own bytes for a command: the reference the encoder must match byte for byte. */
function ioredisBytes(name: string, args: unknown[]): Buffer {
  const command = new Command(name, args as never[]);
  command.promise.catch(() => {});
  const out = command.toWritable({});
  return Buffer.isBuffer(out) ? out : Buffer.from(out, "utf8");
}

describe("encodeCommand", () => {
  it("writes the bytes ioredis writes, for every kind of argument", () => {
    const cases: unknown[][] = [
      [],
      [""],
      ["plain", "", "x"],
      ["ünïcødé 📬", "日本語", "\u00e9"],
      ["lone \ud800 surrogate"],
      [Buffer.from([0xff, 0xfe, 0x00, 0x0d, 0x0a]), Buffer.alloc(0), Buffer.from("ascii")],
      [0, 7, 10, 99, 100, 12345678901, -5, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 60],
      [null, undefined, "after"],
      ["a".repeat(9), "b".repeat(10), "c".repeat(99), "d".repeat(100), "e".repeat(1000)],
    ];
    for (const args of cases) {
      expect(encodeCommand("fcall", args).equals(ioredisBytes("fcall", args))).toBe(true);
    }
  });

  it("keeps every command's bytes while later ones fill the shared slab and take another", () => {
    // Some 300 KiB of commands of a few KiB each (past one slab), and some larger than a slab's share.
    const sizes = Array.from({ length: 120 }, (_, i) => (i % 10 === 9 ? 40_000 + i : 2_000 + 37 * i));
    const argsOf = (i: number, size: number) => [
      `sm:{run${i}}:m:${i}`,
      Buffer.alloc(size, i % 251),
      "é".repeat(i % 7),
      i,
    ];
    const written = sizes.map((size, i) => encodeCommand("fcall", argsOf(i, size)));
    sizes.forEach((size, i) => {
      expect(written[i]?.equals(ioredisBytes("fcall", argsOf(i, size)))).toBe(true);
    });
  });

  it("is what an EncodedCommand writes, with the arguments ioredis would have flattened", () => {
    const rest = ["2", "k1", "k2", 42, Buffer.from("body"), "ünï"];
    const command = new EncodedCommand("fcall", "fn", rest, { replyEncoding: "utf8" });
    command.promise.catch(() => {});
    const nested = ["fn", rest];
    expect(command.toWritable({}).equals(ioredisBytes("fcall", nested))).toBe(true);
    // The same list ioredis keeps (a cluster routes the call by the keys it finds in it).
    const reference = new Command("fcall", nested as never[]);
    reference.promise.catch(() => {});
    expect(command.args).toEqual(reference.args);
    expect(command.getKeys()).toEqual(["k1", "k2"]);
    expect(command.getSlot()).toBe(reference.getSlot());
  });
});
