import { MAX_PATTERN_LENGTH } from "@sandmail/matcher";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const html = [
  "<p>Hi Alice,</p>",
  '<p><a href="https://shop.example/confirm?token=Zk2Lq9Wm">Confirm your address</a></p>',
  "<p>Your verification code is <b>482913</b>.</p>",
  '<p>Order #55512 ships soon. <a href="https://shop.example/help">Help</a></p>',
].join("\n");
const text = [
  "Hi Alice,",
  "Confirm your address: https://shop.example/confirm?token=Zk2Lq9Wm",
  "Your verification code is 482913.",
  "Unsubscribe: https://shop.example/unsub/77",
].join("\r\n");

async function setup() {
  t = await makeApp();
  const run = await createRun(t.app);
  const msg = await seed(t.store, run, { subject: "Your verification code", text, html });
  return { t, run, msg, headers: bearer(run.token), url: `/v1/runs/${run.id}/messages/${msg.id}` };
}

describe("links and codes in the message view", () => {
  it("lists every link with its anchor text and parts, and the code", async () => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({ url, headers });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.links).toEqual([
      {
        url: "https://shop.example/confirm?token=Zk2Lq9Wm",
        text: "Confirm your address",
        sources: ["html", "text"],
      },
      { url: "https://shop.example/help", text: "Help", sources: ["html"] },
      { url: "https://shop.example/unsub/77", sources: ["text"] },
    ]);
    expect(body.codes.map((c: { value: string }) => c.value)).toEqual(["482913"]);
    expect(body.codes[0]).toMatchObject({ raw: "482913", sources: ["text", "html"] });
    expect(body.codes[0].context).toContain("verification code is 482913");
    // Read again: the same answer (served from the per-message memo).
    const again = await t.app.inject({ url, headers });
    expect(again.json().links).toEqual(body.links);
    expect(again.json().codes).toEqual(body.codes);
  });

  it("a message with no links or codes has empty lists", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const msg = await seed(t.store, run, { subject: "Hello", text: "Nothing to see, 2026 was a good year." });
    const body = (
      await t.app.inject({ url: `/v1/runs/${run.id}/messages/${msg.id}`, headers: bearer(run.token) })
    ).json();
    expect(body.links).toEqual([]);
    expect(body.codes).toEqual([]);
  });
});

describe("GET .../messages/{id}/extract", () => {
  it("returns every match with groups, named groups, part and offset", async () => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({
      url: `${url}/extract`,
      query: { pattern: "token=(?<token>[A-Za-z0-9]+)" },
      headers,
    });
    expect(res.statusCode).toBe(200);
    const { matches } = res.json();
    expect(matches.map((m: { source: string }) => m.source)).toEqual(["text", "html"]);
    for (const m of matches) {
      expect(m).toMatchObject({
        match: "token=Zk2Lq9Wm",
        groups: ["Zk2Lq9Wm"],
        namedGroups: { token: "Zk2Lq9Wm" },
      });
    }
    // Offsets count in the decoded text part, where line ends are plain LF.
    const decoded = text.replaceAll("\r\n", "\n");
    expect(decoded.slice(matches[0].index, matches[0].index + 14)).toBe("token=Zk2Lq9Wm");
  });

  it("takes a /literal/ with flags, and matches the subject and HTML markup", async () => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({
      url: `${url}/extract`,
      query: { pattern: "/VERIFICATION (code)/i" },
      headers,
    });
    expect(res.statusCode).toBe(200);
    const { matches } = res.json();
    expect(matches[0]).toEqual({ match: "verification code", groups: ["code"], source: "subject", index: 5 });
    const hrefs = await t.app.inject({
      url: `${url}/extract`,
      query: { pattern: 'href="([^"]+)"' },
      headers,
    });
    expect(hrefs.json().matches.map((m: { groups: string[] }) => m.groups[0])).toEqual([
      "https://shop.example/confirm?token=Zk2Lq9Wm",
      "https://shop.example/help",
    ]);
  });

  it("no match is an empty list", async () => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({
      url: `${url}/extract`,
      query: { pattern: "nothing-like-this" },
      headers,
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ matches: [] });
  });

  it.each([
    ["nested quantifiers", "(a+)+$"],
    ["a starred group of a starred item", "(?:x*)*y"],
    ["many quantifiers", Array.from({ length: 30 }, () => "a+").join("")],
  ])("runs %s, which once were refused as catastrophic, in linear time", async (_what, pattern) => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({ url: `${url}/extract`, query: { pattern }, headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().matches).toBeInstanceOf(Array);
  });

  it.each([
    ["invalid syntax", "(unclosed"],
    ["an unknown flag", "/abc/q"],
    ["a pattern over the length cap", "a".repeat(MAX_PATTERN_LENGTH + 1)],
  ])("refuses %s with 400 invalid_request", async (_what, pattern) => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({ url: `${url}/extract`, query: { pattern }, headers });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors?.[0]).toMatchObject({ in: "querystring", path: "pattern" });
  });

  it.each([
    ["lookbehind", "(?<=code: )\\d+"],
    ["lookahead", "/code(?=: )/i"],
    ["a backreference", "(a)\\1"],
  ])("refuses %s, which RE2 cannot run, with 400 unsupported_pattern", async (_what, pattern) => {
    const { t, headers, url } = await setup();
    const res = await t.app.inject({ url: `${url}/extract`, query: { pattern }, headers });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("unsupported_pattern");
    expect(problem.detail).toContain("RE2");
    expect(problem.errors?.[0]).toMatchObject({ in: "querystring", path: "pattern" });
  });

  it("needs a pattern, a known message and the run's token", async () => {
    const { t, run, headers, url } = await setup();
    const missing = await t.app.inject({ url: `${url}/extract`, headers });
    expect(missing.statusCode).toBe(400);
    expect(problemOf(missing).code).toBe("invalid_request");
    const unknown = await t.app.inject({
      url: `/v1/runs/${run.id}/messages/zzz/extract`,
      query: { pattern: "x" },
      headers,
    });
    expect(unknown.statusCode).toBe(404);
    expect(problemOf(unknown).code).toBe("message_not_found");
    const anonymous = await t.app.inject({ url: `${url}/extract`, query: { pattern: "x" } });
    expect(anonymous.statusCode).toBe(401);
  });
});
