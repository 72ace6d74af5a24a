/** RFC 5256 §2.1 base subject extraction, from the RFC's grammar and Dovecot's answers. */
import { describe, expect, it } from "vitest";
import { baseSubject } from "../../src/content/base-subject.js";

describe("baseSubject (RFC 5256 §2.1)", () => {
  const cases: Array<[string, string, boolean]> = [
    ["hello", "HELLO", false],
    ["Re: hello", "HELLO", true],
    ["RE: [list] Re: hello (fwd)", "HELLO", true],
    ["[list] hello", "HELLO", false],
    ["[list]", "[LIST]", false],
    ["Re: [list]", "[LIST]", true],
    ["[fwd: Re: hello]", "HELLO", true],
    ["[Fwd: [Fwd: hello] ]", "HELLO", true],
    ["Fwd: [x] Re: y", "Y", true],
    ["Fw: y", "Y", true],
    ["re[foo]: x", "X", true],
    ["Re : x", "X", true],
    ["Reply: x", "REPLY: X", false],
    ["", "", false],
    ["   ", "", false],
    [" \t hello \t  world  ", "HELLO WORLD", false],
    ["hello (fwd) (FWD)  ", "HELLO", true],
    ["[a][b] Re: [c] [d] x", "X", true],
    ["Re [c]: x", "X", true],
    ["[a] [b] x", "X", false],
    ["Aw: x", "AW: X", false],
    ["ré: x", "RE\u0301: X", false],
  ];
  for (const [input, subject, reply] of cases) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(subject)}${reply ? " (reply)" : ""}`, () => {
      expect(baseSubject(input)).toEqual({ subject, reply });
    });
  }

  it("stays linear on many blobs, leaders and nested forwards", () => {
    expect(baseSubject(`${"[a]".repeat(200_000)}x`).subject).toBe("X");
    expect(baseSubject(`${"Re: ".repeat(200_000)}x`)).toEqual({ subject: "X", reply: true });
    expect(baseSubject(`${"[a]".repeat(100_000)}`).subject).toBe("[A]");
    expect(baseSubject(`${"[fwd: ".repeat(50_000)}x${"]".repeat(50_000)}`).subject).toBe("X");
    expect(baseSubject(`x${" (fwd)".repeat(200_000)}`).subject).toBe("X");
  });
});
