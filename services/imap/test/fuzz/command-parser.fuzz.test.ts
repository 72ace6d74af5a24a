import { silentLogger } from "@sandmail/runtime";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commands } from "../../src/commands/index.js";
import { CommandFramer, type FramerEvent } from "../../src/protocol/parser.js";
import { ParseError, parseFrame } from "../../src/protocol/tokenize.js";
import { failureReply } from "../../src/session/errors.js";

/**
 * Property-based fuzzing of the IMAP command pipeline a connection runs on client bytes: the
 * framer (lines, literals, limits), the tokenizer and each command's argument parser. Whatever
 * arrives, in whatever chunks, each step either succeeds or fails with an error the connection
 * answers as a client error (BAD/NO), never as SERVERBUG: that would be a crash in the parser.
 */
const CASES = 10_000;
const names = [...commands.keys()];
const logger = silentLogger();
const limits = { maxLineBytes: 2048, maxLiteralBytes: 4096, maxCommandBytes: 8192 };

const atomish = fc.stringMatching(/^[A-Za-z0-9\\.*%:,<>[\]()+-]{0,12}$/);
const quoted = fc.string({ maxLength: 12 }).map((s) => `"${s.replace(/["\\]/g, (c) => `\\${c}`)}"`);
const junk = fc.string({
  unit: fc.constantFrom(...'()[]{}"\\ *%<>.:,\r\n+0123456789aZ~\u00e9'),
  maxLength: 16,
});
const literal = fc
  .tuple(fc.uint8Array({ maxLength: 40 }), fc.boolean(), fc.integer({ min: -3, max: 3 }))
  .map(([bytes, plus, skew]) => {
    // A size that is sometimes wrong: the framer must cope with what follows either way.
    const size = Math.max(0, bytes.length + (skew === 0 ? 0 : skew));
    return Buffer.concat([Buffer.from(`{${size}${plus ? "+" : ""}}\r\n`), Buffer.from(bytes)]);
  });
const token = fc.oneof(
  atomish.map((s) => Buffer.from(s)),
  quoted.map((s) => Buffer.from(s, "latin1")),
  junk.map((s) => Buffer.from(s, "utf8")),
  literal,
  fc.array(atomish, { maxLength: 4 }).map((items) => Buffer.from(`(${items.join(" ")})`)),
);
const command = fc
  .tuple(
    fc.oneof(atomish, fc.constant("a1")),
    fc.oneof(
      fc.constantFrom(...names),
      fc.constantFrom(...names).map((n) => `UID ${n}`),
      atomish,
    ),
    fc.array(token, { maxLength: 6 }),
    fc.constantFrom("\r\n", "\n", "", "\r"),
  )
  .map(([tag, name, args, end]) =>
    Buffer.concat([
      Buffer.from(`${tag} ${name}`),
      ...args.flatMap((a) => [Buffer.from(" "), a]),
      Buffer.from(end),
    ]),
  );
const input = fc.oneof(
  { weight: 4, arbitrary: fc.array(command, { minLength: 1, maxLength: 4 }).map((c) => Buffer.concat(c)) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)) },
);
const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 6 });

function chunks(bytes: Buffer, at: number[]): Buffer[] {
  const points = [...new Set(at.map((n) => n % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let from = 0;
  for (const p of points) {
    out.push(bytes.subarray(from, p));
    from = p;
  }
  out.push(bytes.subarray(from));
  return out;
}

describe("IMAP command parser (fast-check)", () => {
  it(`frames, tokenizes and parses ${CASES} random inputs without an unexpected error`, () => {
    let frames = 0;
    fc.assert(
      fc.property(input, cuts, (bytes, at) => {
        const framer = new CommandFramer(limits);
        const events: FramerEvent[] = [];
        for (const chunk of chunks(bytes, at)) events.push(...framer.push(chunk));
        for (const event of events) {
          if (event.type !== "frame") continue;
          frames++;
          let parsed: ReturnType<typeof parseFrame>;
          try {
            parsed = parseFrame(event.frame);
          } catch (err) {
            if (err instanceof ParseError) continue;
            throw err;
          }
          expect(parsed.tag.length).toBeGreaterThan(0);
          const spec = commands.get(parsed.name);
          if (!spec) continue;
          try {
            spec.parse(parsed.args, parsed);
          } catch (err) {
            // What the connection would answer: a client error, not the internal-error reply.
            expect(failureReply(err, logger, parsed.name).code, String(err)).not.toBe("SERVERBUG");
          }
        }
      }),
      { numRuns: CASES },
    );
    // The generator reaches the parsers, not only the framer.
    expect(frames).toBeGreaterThan(CASES);
  });
});
