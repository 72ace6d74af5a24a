import { describe, expect, it } from "vitest";
import { parseStructured } from "../src/entity-headers.js";
import { parseMimeValue } from "../src/index.js";

describe("MIME parameters: one parser, two views", () => {
  const cases: Array<[string, string, Record<string, string>]> = [
    ["attachment; filename*=utf-8''%E2%82%AC%20rates.pdf", "attachment", { filename: "€ rates.pdf" }],
    [
      "attachment; filename*0*=utf-8''%E2%82%AC; filename*1=\" rates.pdf\"",
      "attachment",
      { filename: "€ rates.pdf" },
    ],
    [
      'text/plain; charset="iso-8859-1" (comment); format=flowed',
      "text/plain",
      { charset: "iso-8859-1", format: "flowed" },
    ],
    [
      'multipart/mixed; boundary="----=_Part_1_2.3"; type="a;b"',
      "multipart/mixed",
      { boundary: "----=_Part_1_2.3", type: "a;b" },
    ],
    ['TEXT/PLAIN ; CHARSET = "UTF-8"', "text/plain", { charset: "UTF-8" }],
    ["text/plain; title*=iso-8859-1'en'%A3%20rates", "text/plain", { title: "£ rates" }],
    [
      'application/x-custom; foo=bar; empty=""; quoted="a;b"',
      "application/x-custom",
      { foo: "bar", empty: "", quoted: "a;b" },
    ],
  ];

  it("decodes RFC 2231 values and lowercases names for the MIME index", () => {
    for (const [input, value, params] of cases)
      expect(parseStructured(input), input).toEqual({ value, params });
  });

  it("keeps values as written for BODYSTRUCTURE, RFC 2231 pieces joined but not decoded", () => {
    expect(parseMimeValue("attachment; filename*0*=utf-8''%E2%82%AC; filename*1=\" rates.pdf\"")).toEqual({
      value: "attachment",
      params: [["filename*", "utf-8''%E2%82%AC%20rates.pdf"]],
    });
    expect(parseMimeValue('TEXT/PLAIN ; CHARSET = "UTF-8"')).toEqual({
      value: "TEXT/PLAIN",
      params: [["CHARSET", "UTF-8"]],
    });
  });
});
