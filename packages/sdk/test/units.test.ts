import { describe, expect, it } from "vitest";
import { criteriaJson, criteriaQuery, matcherText } from "../src/criteria.js";
import { ensureAsyncDisposeSymbol, type FetchLike, Sandmail } from "../src/index.js";
import { backoffDelay, isTransientNetworkError } from "../src/retry.js";

describe("criteria encoding", () => {
  it("sends strings as contains, RegExps as regex without g/y, objects as they are", () => {
    expect(
      criteriaJson({
        to: "/alice/",
        subject: /^Welcome/giy,
        text: { equals: "x" },
        header: { name: "X-A", value: /1/ },
        unread: false,
      }),
    ).toEqual({
      to: { contains: "/alice/" },
      subject: { regex: "^Welcome", flags: "i" },
      text: { equals: "x" },
      header: [{ name: "X-A", value: { regex: "1" } }],
      unread: false,
    });
  });

  it("writes the list query syntax without letting a contains-string read as a regex or exact value", () => {
    expect(matcherText("Welcome")).toBe("Welcome");
    expect(matcherText('"quoted"')).toBe('/"quoted"/i');
    expect(matcherText("/a.b/")).toBe("/\\/a\\.b\\//i");
    expect(/\/a\.b\//i.test("x/A.B/y")).toBe(true);
    expect(matcherText({ equals: "Hi" })).toBe('"Hi"');
    expect(matcherText(/x+/m)).toBe("/x+/m");
    expect(criteriaQuery({ header: [{ name: "X-A" }, { name: "X-B", value: "v" }] }).header).toEqual([
      "X-A",
      "X-B: v",
    ]);
  });
});

describe("Symbol.asyncDispose", () => {
  it("is defined where the runtime lacks it, and left alone where it has it", () => {
    const bare: { asyncDispose?: symbol } = {};
    expect(ensureAsyncDisposeSymbol(bare)).toBe(Symbol.for("Symbol.asyncDispose"));
    expect(bare.asyncDispose).toBe(Symbol.for("Symbol.asyncDispose"));
    const own = Symbol("own");
    expect(ensureAsyncDisposeSymbol({ asyncDispose: own })).toBe(own);
    expect(typeof Symbol.asyncDispose).toBe("symbol");
  });
});

describe("retry policy", () => {
  const fetchFailed = (code?: string) =>
    new TypeError("fetch failed", { cause: code ? Object.assign(new Error(code), { code }) : undefined });

  it("retries refused and reset connections, not DNS failures, aborts or other errors", () => {
    expect(isTransientNetworkError(fetchFailed("ECONNREFUSED"))).toBe(true);
    expect(isTransientNetworkError(fetchFailed("ECONNRESET"))).toBe(true);
    expect(isTransientNetworkError(fetchFailed("UND_ERR_SOCKET"))).toBe(true);
    expect(isTransientNetworkError(fetchFailed())).toBe(true);
    expect(isTransientNetworkError(fetchFailed("ENOTFOUND"))).toBe(false);
    expect(isTransientNetworkError(new DOMException("aborted", "AbortError"))).toBe(false);
    expect(isTransientNetworkError(new Error("boom"))).toBe(false);
  });

  it("backs off exponentially with jitter, up to the cap", () => {
    const backoff = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(0, backoff, () => 1)).toBe(100);
    expect(backoffDelay(0, backoff, () => 0)).toBe(50);
    expect(backoffDelay(3, backoff, () => 1)).toBe(800);
    expect(backoffDelay(10, backoff, () => 1)).toBe(1000);
  });
});

describe("waits", () => {
  it("always send `after`: the run's cursor (0 at first), or the one given", async () => {
    const sent: Array<Record<string, unknown>> = [];
    const fetch: FetchLike = async (url, init) => {
      const json = (body: unknown) =>
        new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
      if (url.endsWith("/messages/wait")) {
        const body = JSON.parse(String(init.body)) as Record<string, unknown>;
        sent.push(body);
        return json({ messages: [], cursor: 7 });
      }
      const now = new Date().toISOString();
      return json({ id: "r1", domain: "r1.sandmail.test", createdAt: now, expiresAt: now, limits: {} });
    };
    const run = await new Sandmail({ url: "http://sandmail.invalid", fetch }).run("r1", "token");
    await run.waitForMessages({ subject: "Welcome" }, 1);
    await run.waitForMessages({ subject: "Welcome" }, 1);
    await run.expectNoMessage({ subject: "Welcome" }, 10);
    await run.waitForMessages({ subject: "Welcome" }, 1, { after: 3 });
    expect(sent.map((body) => body.after)).toEqual([0, 7, 7, 3]);
  });
});
