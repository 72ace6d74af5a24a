import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, makeApp, seed, type TestApp } from "../helpers.js";

/**
 * Property-based fuzzing of the API's query parsing: random query strings (the list criteria,
 * cursors, limits, regexes in `/re/flags` form, exact values in quotes, broken percent-encoding)
 * against GET .../messages. Every answer is 200 or a 400 problem+json (invalid_request, or
 * unsupported_pattern for a regex RE2 cannot run):
 * never a 500, never a hang (the criteria run against stored messages).
 */
const CASES = 10_000;
let t: TestApp;
let base: string;
let headers: Record<string, string>;

beforeAll(async () => {
  t = await makeApp();
  const run = await t.store.createRun({ ttlSeconds: 600, limits: { maxMessages: 100, maxBytes: 1e7 } });
  base = `/v1/runs/${run.id}/messages`;
  headers = bearer(run.token);
  await seed(t.store, run, { subject: "Welcome aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", text: "code 123456" });
  await seed(t.store, run, { to: "bob@x.test", subject: "Reset", text: "https://example.com/r?t=1" });
});
afterAll(() => t?.close());

const names = [
  "to",
  "from",
  "subject",
  "text",
  "header",
  "inbox",
  "mailbox",
  "unread",
  "after",
  "cursor",
  "limit",
  "order",
  "x",
];
const value = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: fc.constantFrom(..."()[]{}*+?|^$\\/.aA0-:\"'%&=#"), maxLength: 20 }),
  fc
    .tuple(fc.string({ maxLength: 12 }), fc.constantFrom("", "i", "g", "x", "iu"))
    .map(([re, f]) => `/${re}/${f}`),
  fc.string({ maxLength: 10 }).map((s) => `"${s}"`),
  fc.integer({ min: -5, max: 1e12 }).map(String),
  fc.constantFrom("true", "false", "", "%", "%zz", "%00", "%E9"),
);
const query = fc
  .array(fc.tuple(fc.constantFrom(...names), value, fc.boolean()), { maxLength: 5 })
  .map((pairs) =>
    pairs
      // Mostly encoded as a client would; sometimes raw, malformed escapes and all.
      .map(([n, v, raw]) => `${n}=${raw ? v : encodeURIComponent(v)}`)
      .join("&"),
  );

describe("API query parsing (fast-check)", () => {
  it(`answers ${CASES} random list queries with 200 or a 400 problem`, async () => {
    const seen = new Set<number>();
    await fc.assert(
      fc.asyncProperty(query, async (q) => {
        const res = await t.app.inject({ url: `${base}?${q}`, headers });
        seen.add(res.statusCode);
        if (res.statusCode === 200) {
          expect(Array.isArray(res.json().messages)).toBe(true);
          return;
        }
        expect(res.statusCode, res.body).toBe(400);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        expect(["invalid_request", "unsupported_pattern"]).toContain(res.json().code);
      }),
      { numRuns: CASES },
    );
    // Both outcomes were reached: the generator exercises the parsers, not only one branch.
    expect([...seen].sort()).toEqual([200, 400]);
  }, 120_000);
});
