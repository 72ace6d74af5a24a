import { describe, expect, it } from "vitest";
import type { Command } from "../src/protocol/ast.js";
import { CommandFramer, type FramerEvent } from "../src/protocol/parser.js";
import { ParseError, parseFrame } from "../src/protocol/tokenize.js";

const limits = { maxLineBytes: 1024, maxLiteralBytes: 100, maxCommandBytes: 2048 };

function feed(input: string | Buffer, bytewise = false): FramerEvent[] {
  const framer = new CommandFramer(limits);
  const buf = typeof input === "string" ? Buffer.from(input, "latin1") : input;
  if (!bytewise) return framer.push(buf);
  const events: FramerEvent[] = [];
  for (let i = 0; i < buf.length; i++) events.push(...framer.push(buf.subarray(i, i + 1)));
  return events;
}

function commands(input: string, bytewise = false): Command[] {
  return feed(input, bytewise)
    .filter((e) => e.type === "frame")
    .map((e) => parseFrame((e as Extract<FramerEvent, { type: "frame" }>).frame));
}

describe("framer and tokenizer", () => {
  it("reads tag, command, atoms, quoted strings with escapes and lists", () => {
    for (const bytewise of [false, true]) {
      const [c] = commands('a1 LOGIN "al\\"ice" pa\\ss (\\Seen $Junk) NIL\r\n', bytewise);
      expect(c!.tag).toBe("a1");
      expect(c!.name).toBe("LOGIN");
      expect(c!.args[0]).toEqual({ type: "string", value: Buffer.from('al"ice'), literal: false });
      expect(c!.args[1]).toEqual({ type: "atom", value: "pa\\ss" });
      expect(c!.args[2]).toEqual({
        type: "list",
        items: [
          { type: "atom", value: "\\Seen" },
          { type: "atom", value: "$Junk" },
        ],
      });
    }
  });

  it("reads UID commands and sections with partials", () => {
    const [c] = commands("t UID fetch 1:* (BODY.PEEK[1.HEADER.FIELDS (From To)]<0.393216> BODY[])\r\n");
    expect(c!.uid).toBe(true);
    expect(c!.name).toBe("FETCH");
    const list = c!.args[1]!;
    expect(list.type).toBe("list");
    const [peek, body] = (list as { items: unknown[] }).items as Array<Record<string, unknown>>;
    expect(peek!.value).toBe("BODY.PEEK");
    expect(peek!.partial).toEqual({ start: 0, length: 393216 });
    expect((peek!.section as unknown[]).length).toBe(2);
    expect(body!.section).toEqual([]);
  });

  it("asks for a synchronizing literal only after checking its size, and reads it byte for byte", () => {
    for (const bytewise of [false, true]) {
      const events = feed("a APPEND INBOX {5}\r\nhe\r\no\r\n", bytewise);
      expect(events[0]).toEqual({ type: "continue", size: 5 });
      const frame = events[1]!;
      expect(frame.type).toBe("frame");
      const c = parseFrame((frame as Extract<FramerEvent, { type: "frame" }>).frame);
      expect(c.args[1]).toEqual({ type: "string", value: Buffer.from("he\r\no"), literal: true });
    }
  });

  it("takes non-synchronizing literals without a continuation", () => {
    const events = feed("a LOGIN {5+}\r\nalice {3+}\r\npwd\r\nb NOOP\r\n");
    expect(events.map((e) => e.type)).toEqual(["frame", "frame"]);
    const c = parseFrame((events[0] as Extract<FramerEvent, { type: "frame" }>).frame);
    expect(c.args.map((a) => (a.type === "string" ? a.value.toString() : ""))).toEqual(["alice", "pwd"]);
  });

  it("refuses an oversized synchronizing literal before the client sends it", () => {
    const events = feed("a APPEND INBOX {101}\r\nb NOOP\r\n");
    expect(events[0]).toMatchObject({ type: "rejected", tag: "a", code: "TOOBIG", close: false });
    expect(events.some((e) => e.type === "continue")).toBe(false);
    expect(parseFrame((events[1] as Extract<FramerEvent, { type: "frame" }>).frame).name).toBe("NOOP");
  });

  it("reads and discards an oversized non-synchronizing literal, never parsing its bytes", () => {
    const payload = "x NOOP\r\n".repeat(20); // 160 bytes of would-be commands
    const events = feed(`a APPEND INBOX {${payload.length}+}\r\n${payload} more\r\nb NOOP\r\n`, true);
    expect(events[0]).toMatchObject({ type: "rejected", tag: "a", code: "TOOBIG" });
    const frames = events.filter((e) => e.type === "frame");
    expect(frames).toHaveLength(1);
    expect(parseFrame((frames[0] as Extract<FramerEvent, { type: "frame" }>).frame).tag).toBe("b");
  });

  it("treats {n} inside a quoted string as text", () => {
    const [c] = commands('a LOGIN "x {5}" y\r\n');
    expect(c!.args[0]).toEqual({ type: "string", value: Buffer.from("x {5}"), literal: false });
  });

  it("refuses an overlong line and keeps reading commands after it", () => {
    const events = feed(`a NOOP ${"x".repeat(2000)}\r\nb NOOP\r\n`);
    expect(events[0]).toMatchObject({ type: "rejected", tag: "a", code: "TOOBIG" });
    expect(events[1]!.type).toBe("frame");
  });

  it("reads an unterminated section as a plain atom: `[` is an astring character", () => {
    const frame = (feed("a1 SELECT foo[bar\r\n")[0] as Extract<FramerEvent, { type: "frame" }>).frame;
    expect(parseFrame(frame).args).toEqual([{ type: "atom", value: "foo[bar" }]);
    const section = (feed("a1 FETCH 1 BODY[1]\r\n")[0] as Extract<FramerEvent, { type: "frame" }>).frame;
    expect(parseFrame(section).args[1]).toMatchObject({ value: "BODY", raw: "BODY[1]" });
  });

  it("reports malformed commands as ParseError with the tag", () => {
    for (const line of ['a1 LOGIN "unterminated', "a1 FETCH 1 (FLAGS", "a1", "a1 X ((((", " NOOP"]) {
      const frame = (feed(`${line}\r\n`)[0] as Extract<FramerEvent, { type: "frame" }>).frame;
      expect(() => parseFrame(frame), line).toThrow(ParseError);
    }
  });

  it("survives random bytes: only frames, refusals or ParseErrors", () => {
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    const alphabet = Buffer.from('a1 {}()[]<>"\\*%+:.0123456789\r\n\x00\xffFETCHBODY');
    for (let round = 0; round < 300; round++) {
      const framer = new CommandFramer(limits);
      const len = rand() % 300;
      const buf = Buffer.alloc(len);
      for (let i = 0; i < len; i++)
        buf[i] = rand() % 3 === 0 ? rand() % 256 : alphabet[rand() % alphabet.length]!;
      for (const e of framer.push(buf)) {
        if (e.type !== "frame") continue;
        try {
          parseFrame(e.frame);
        } catch (err) {
          expect(err).toBeInstanceOf(ParseError);
        }
      }
    }
  });
});
