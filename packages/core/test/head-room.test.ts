import { describe, expect, it } from "vitest";
import { HEAD_ROOM_BYTES, isShared, joinWithHeadRoom, prependInRoom } from "../src/index.js";
import { MiB, pattern } from "./support/pattern.js";

describe("head room", () => {
  it("puts the first head in front of a large body without copying the body", async () => {
    const parts = [pattern(MiB + 3, 1), pattern(400 * 1024, 2)];
    const body = await joinWithHeadRoom(parts);
    expect(body.equals(Buffer.concat(parts))).toBe(true);
    const head = Buffer.from("Received: from x by y; Fri, 4 Dec 2026 19:00:00 +0000\r\n");
    const out = prependInRoom(head, body);
    expect(out?.equals(Buffer.concat([head, ...parts]))).toBe(true);
    // The same memory as the body's: nothing was copied but the head.
    expect(out?.buffer).toBe(body.buffer);
    expect(isShared(out as Buffer)).toBe(true);
    expect(body.equals(Buffer.concat(parts))).toBe(true);
  });

  it("gives the room once: another head is copied by its caller", async () => {
    const body = await joinWithHeadRoom([pattern(MiB, 3)]);
    expect(prependInRoom(Buffer.from("A: 1\r\n"), body)).toBeDefined();
    expect(prependInRoom(Buffer.from("B: 2\r\n"), body)).toBeUndefined();
  });

  it("leaves the room free for a later head when a head does not fit", async () => {
    const body = await joinWithHeadRoom([pattern(MiB, 4)]);
    expect(prependInRoom(Buffer.alloc(HEAD_ROOM_BYTES + 1, 0x41), body)).toBeUndefined();
    const fits = Buffer.alloc(HEAD_ROOM_BYTES, 0x42);
    expect(prependInRoom(fits, body)?.subarray(0, HEAD_ROOM_BYTES).equals(fits)).toBe(true);
  });

  it("has no room in front of a small body or of bytes it did not join", async () => {
    const small = await joinWithHeadRoom([pattern(1000, 5), pattern(2000, 6)]);
    expect(prependInRoom(Buffer.from("A: 1\r\n"), small)).toBeUndefined();
    // Bytes in front of a pool slice are another Buffer's.
    const slice = Buffer.from(pattern(8192, 7).buffer, 4096, 4096);
    expect(prependInRoom(Buffer.from("A: 1\r\n"), slice)).toBeUndefined();
  });
});
