import { describe, expect, it } from "vitest";
import { listMatcher } from "../src/protocol/list-pattern.js";

const NAMES = [
  "INBOX",
  "INBOX/Sub",
  "Archive",
  "Archive/2024",
  "Archive/2024/Q1",
  "a.b",
  "a[b]",
  "a(b)+",
  "Ünïcödé/ø",
  "x*y",
  "%odd",
];

const select = (reference: string, pattern: string) => NAMES.filter(listMatcher(reference, pattern));

describe("LIST patterns", () => {
  it("matches * across levels and % within one", () => {
    expect(select("", "*")).toEqual(NAMES);
    expect(select("", "%")).toEqual(["INBOX", "Archive", "a.b", "a[b]", "a(b)+", "x*y", "%odd"]);
    expect(select("", "Archive/%")).toEqual(["Archive/2024"]);
    expect(select("Archive/", "*")).toEqual(["Archive/2024", "Archive/2024/Q1"]);
    expect(select("", "*/Q1")).toEqual(["Archive/2024/Q1"]);
    expect(select("", "%/%")).toEqual(["INBOX/Sub", "Archive/2024", "Ünïcödé/ø"]);
  });

  it("takes every other character literally, regex syntax included", () => {
    expect(select("", "a.b")).toEqual(["a.b"]);
    expect(select("", "a[b]")).toEqual(["a[b]"]);
    expect(select("", "a(b)+")).toEqual(["a(b)+"]);
    expect(select("", "a?b")).toEqual([]);
    expect(select("", "Ü*ø")).toEqual(["Ünïcödé/ø"]);
    expect(select("", "archive")).toEqual([]);
  });

  it("matches INBOX in any case, and only INBOX", () => {
    expect(select("", "inbox")).toEqual(["INBOX"]);
    expect(select("", "InBo%")).toEqual(["INBOX"]);
    expect(select("", "inbox/Sub")).toEqual(["INBOX/Sub"]);
    expect(select("", "inbox/sub")).toEqual([]);
  });

  it("answers patterns that make a backtracking matcher explode", () => {
    const name = "a".repeat(60);
    expect(listMatcher("", "*a*a*a*a*a*a*b")(name)).toBe(false);
    expect(listMatcher("", "*a*a*a*a*a*a*a")(name)).toBe(true);
    expect(listMatcher("", "%a%a%a%a%a%a%b")(name)).toBe(false);
    expect(listMatcher("", `${"*".repeat(500)}b`)(name)).toBe(false);
  });
});
