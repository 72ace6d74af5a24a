import { describe, expect, it } from "vitest";
import { bodyStructure, envelope, parseAddressList } from "../../src/content/index.js";
import { fixture, message } from "./helpers.js";

/** Expectations below were checked against Dovecot 2.3 (see test/differential). */
describe("envelope", () => {
  it("keeps encoded-words raw and parses groups", () => {
    const { raw, root } = fixture("11-groups.eml");
    expect(envelope(raw, root)).toEqual([
      "Thu, 11 Jan 2024 11:11:11 +0000",
      "group addresses",
      [[null, null, "announcer", "example.com"]],
      [[null, null, "announcer", "example.com"]],
      [[null, null, "announcer", "example.com"]],
      [
        [null, null, "undisclosed-recipients", null],
        [null, null, null, null],
      ],
      [
        [null, null, "Team", null],
        [null, null, "alpha", "example.com"],
        ["Beta Person", null, "beta", "example.com"],
        [null, null, null, null],
        [null, null, "solo", "example.com"],
      ],
      [
        [null, null, "Empty Group", null],
        [null, null, null, null],
      ],
      null,
      null,
    ]);
    const encoded = fixture("07-encoded-words.eml");
    const env = envelope(encoded.raw, encoded.root) as unknown[];
    expect(env[1]).toBe("=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_M=C3=BCnchen?= =?UTF-8?B?IOKCrCBwcmljZXM=?=");
    expect(env[2]).toEqual([["=?UTF-8?B?SsO8cmdlbiBNw7xsbGVy?=", null, "juergen", "example.de"]]);
  });

  it("gives NIL for missing fields and defaults sender and reply-to to from", () => {
    const { raw, root } = message("From: A <a@x.test>", "Sender:", "", "");
    expect(envelope(raw, root)).toEqual([
      null,
      null,
      [["A", null, "a", "x.test"]],
      [["A", null, "a", "x.test"]],
      [["A", null, "a", "x.test"]],
      null,
      null,
      null,
      null,
      null,
    ]);
  });

  it("parses comments, quoted names and routes", () => {
    expect(
      parseAddressList('john@x.test (John Smith), "Doe, Jane" <jane@x.test>, <@r.test:k@x.test>'),
    ).toEqual([
      { name: "John Smith", adl: null, mailbox: "john", host: "x.test" },
      { name: "Doe, Jane", adl: null, mailbox: "jane", host: "x.test" },
      { name: null, adl: "@r.test", mailbox: "k", host: "x.test" },
    ]);
  });
});

describe("bodyStructure", () => {
  it("describes a nested message/rfc822 with envelope, body and lines", () => {
    const { raw, root } = fixture("05-nested-rfc822.eml");
    const body = bodyStructure(raw, root, false) as unknown[];
    const rfc822 = body[1] as unknown[];
    expect(rfc822.slice(0, 6)).toEqual(["message", "rfc822", null, null, null, "7bit"]);
    expect(rfc822[6]).toBe(root.children[1]!.bodyEnd - root.children[1]!.bodyStart);
    expect((rfc822[7] as unknown[])[1]).toBe("the original");
    expect((rfc822[8] as unknown[]).at(-1)).toBe("alternative");
    expect(body[2]).toBe("mixed");
  });

  it("adds extension data only to BODYSTRUCTURE", () => {
    const { raw, root } = fixture("22-extension-fields.eml");
    const part1 = (bodyStructure(raw, root, true) as unknown[])[0];
    expect(part1).toEqual([
      "text",
      "plain",
      ["charset", "us-ascii", "format", "flowed"],
      "<part1@ext>",
      "The main text",
      "7bit",
      20,
      0,
      "Q2hlY2sgSW50ZWdyaXR5IQ==",
      null,
      ["en", "de"],
      "main.txt",
    ]);
    expect((bodyStructure(raw, root, false) as unknown[])[0]).toHaveLength(8);
  });

  it("keeps RFC 2231 encoded parameters encoded", () => {
    const { raw, root } = fixture("17-rfc2231.eml");
    const parts = bodyStructure(raw, root, true) as unknown[][];
    expect(parts[1]![2]).toEqual(["name*", "utf-8''%E2%82%AC%20rates.txt"]);
    expect(parts[2]![2]).toEqual([
      "charset",
      "us-ascii",
      "name",
      "a very long file name that is split in two.txt",
    ]);
  });
});
