import type { AuthSummary } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import { afterEach, describe, expect, it } from "vitest";
import { bearer, buildRaw, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

const auth: AuthSummary = {
  spf: { result: "pass", domain: "shop.example" },
  dkim: [
    {
      result: "fail",
      domain: "esp.example",
      selector: "k1",
      algorithm: "rsa-sha256",
      reason: "body hash did not verify",
    },
    { result: "pass", domain: "shop.example", selector: "s1", algorithm: "ed25519-sha256", aligned: true },
  ],
  dmarc: { result: "pass", domain: "shop.example", policy: "reject" },
  arc: { result: "none" },
  received: [],
};

async function setup() {
  t = await makeApp();
  const run = await createRun(t.app);
  const to = `alice@${run.domain}`;
  const raw = buildRaw({
    to,
    from: '"Shop Team" <No-Reply@shop.example>',
    subject: "Your verification code",
    text: "Your verification code is 482913.\r\nReset: https://shop.example/reset?token=abc123",
    html: '<p>Your verification code is <b>482913</b>. <a href="https://shop.example/reset?token=abc123">Reset</a></p>',
    extraHeaders: [
      "X-Campaign: spring-2026",
      "X-Campaign: reminder",
      "List-Unsubscribe: <https://shop.example/u>",
    ],
    attachments: [
      { filename: "invoice-0042.pdf", contentType: "application/pdf", content: Buffer.from("%PDF-1.4") },
    ],
  });
  const msg = await t.store.appendMessage(run.id, {
    address: to,
    raw,
    meta: { ...indexMessage(raw), auth },
    envelope: {
      mailFrom: "bounce@shop.example",
      rcptTo: [to, `audit@${run.domain}`],
      clientAddress: "127.0.0.1",
      helo: "mail.shop.example",
      tls: false,
    },
  });
  const headers = bearer(run.token);
  const url = `/v1/runs/${run.id}/messages/${msg.id}/assert`;
  const check = async (assertions: object[]) => {
    const res = await t!.app.inject({ method: "POST", url, headers, payload: { assertions } });
    return res;
  };
  /** One assertion's verdict. */
  const verdict = async (assertion: object) => {
    const res = await check([assertion]);
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json() as {
      pass: boolean;
      results: Array<{ assertion: object; pass: boolean; actual: unknown; message: string }>;
    };
    expect(body.results).toHaveLength(1);
    expect(body.pass).toBe(body.results[0]!.pass);
    expect(body.results[0]!.assertion).toEqual(assertion);
    expect(body.results[0]!.message.length).toBeGreaterThan(0);
    return body.results[0]!;
  };
  return { t, run, msg, url, headers, check, verdict };
}

const campaign = ["spring-2026", "reminder"];

describe("POST .../messages/{id}/assert, each kind passing and failing with the actual value", () => {
  const cases: Array<[string, object, boolean, unknown]> = [
    [
      "header exists",
      { type: "header", name: "list-unsubscribe", exists: true },
      true,
      ["<https://shop.example/u>"],
    ],
    ["header exists (absent)", { type: "header", name: "X-Missing", exists: true }, false, []],
    ["header absent", { type: "header", name: "X-Missing", exists: false }, true, []],
    ["header absent (present)", { type: "header", name: "X-Campaign", exists: false }, false, campaign],
    [
      "header equals any occurrence",
      { type: "header", name: "x-campaign", equals: "reminder" },
      true,
      campaign,
    ],
    ["header equals", { type: "header", name: "X-Campaign", equals: "Reminder" }, false, campaign],
    [
      "header equals ignoring case",
      { type: "header", name: "X-Campaign", equals: "Reminder", ignoreCase: true },
      true,
      campaign,
    ],
    ["header contains", { type: "header", name: "X-Campaign", contains: "2026" }, true, campaign],
    ["header contains", { type: "header", name: "X-Campaign", contains: "autumn" }, false, campaign],
    ["header matches", { type: "header", name: "X-Campaign", matches: "/^SPRING-\\d{4}$/i" }, true, campaign],
    ["header matches", { type: "header", name: "X-Campaign", matches: "^autumn" }, false, campaign],
    ["subject equals", { type: "subject", equals: "Your verification code" }, true, "Your verification code"],
    ["subject contains", { type: "subject", contains: "password" }, false, "Your verification code"],
    ["subject matches", { type: "subject", matches: "/CODE$/i" }, true, "Your verification code"],
    [
      "from equals the address, any case",
      { type: "from", equals: "no-reply@shop.example" },
      true,
      ["Shop Team <No-Reply@shop.example>"],
    ],
    [
      "from equals",
      { type: "from", equals: "sales@shop.example" },
      false,
      ["Shop Team <No-Reply@shop.example>"],
    ],
    [
      "from contains the display name",
      { type: "from", contains: "Shop Team" },
      true,
      ["Shop Team <No-Reply@shop.example>"],
    ],
    [
      "from matches",
      { type: "from", matches: "@evil\\.example>$" },
      false,
      ["Shop Team <No-Reply@shop.example>"],
    ],
    ["spf", { type: "spf", result: "pass" }, true, { result: "pass", domain: "shop.example" }],
    ["spf", { type: "spf", result: "fail" }, false, { result: "pass", domain: "shop.example" }],
    [
      "dmarc",
      { type: "dmarc", result: "pass" },
      true,
      { result: "pass", domain: "shop.example", policy: "reject" },
    ],
    [
      "dmarc",
      { type: "dmarc", result: "fail" },
      false,
      { result: "pass", domain: "shop.example", policy: "reject" },
    ],
    ["arc", { type: "arc", result: "none" }, true, { result: "none" }],
    ["arc", { type: "arc", result: "pass" }, false, { result: "none" }],
    ["code present", { type: "code" }, true, ["482913"]],
    ["code with a value", { type: "code", value: "482913" }, true, ["482913"]],
    ["code with a value", { type: "code", value: "000000" }, false, ["482913"]],
    [
      "link contains",
      { type: "link", contains: "/reset?token=" },
      true,
      ["https://shop.example/reset?token=abc123"],
    ],
    [
      "link contains",
      { type: "link", contains: "/verify" },
      false,
      ["https://shop.example/reset?token=abc123"],
    ],
    [
      "link matches",
      { type: "link", matches: "token=[a-z0-9]{6}$" },
      true,
      ["https://shop.example/reset?token=abc123"],
    ],
    [
      "link equals",
      { type: "link", equals: "https://shop.example/reset" },
      false,
      ["https://shop.example/reset?token=abc123"],
    ],
  ];
  it.each(cases)("%s: %j -> %s", async (_what, assertion, pass, actual) => {
    const { verdict } = await setup();
    const result = await verdict(assertion);
    expect(result.pass).toBe(pass);
    expect(result.actual).toEqual(actual);
  });

  it("to and recipient: BCC shows only in the envelope", async () => {
    const { run, verdict } = await setup();
    const to = `alice@${run.domain}`;
    const audit = `audit@${run.domain}`;
    expect(await verdict({ type: "to", equals: to.toUpperCase() })).toMatchObject({
      pass: true,
      actual: [to],
    });
    expect(await verdict({ type: "to", equals: audit })).toMatchObject({ pass: false, actual: [to] });
    expect(await verdict({ type: "to", matches: "^alice@" })).toMatchObject({ pass: true });
    expect(await verdict({ type: "recipient", address: audit.toUpperCase() })).toMatchObject({
      pass: true,
      actual: [to, audit],
    });
    const missing = await verdict({ type: "recipient", address: `bob@${run.domain}` });
    expect(missing).toMatchObject({ pass: false, actual: [to, audit] });
    expect(missing.message).toContain(audit);
  });

  it("dkim: any signature, or the one of a domain / selector", async () => {
    const { verdict } = await setup();
    const signatures = [
      {
        result: "fail",
        domain: "esp.example",
        selector: "k1",
        algorithm: "rsa-sha256",
        reason: "body hash did not verify",
      },
      { result: "pass", domain: "shop.example", selector: "s1", algorithm: "ed25519-sha256" },
    ];
    expect(await verdict({ type: "dkim", result: "pass" })).toMatchObject({ pass: true, actual: signatures });
    expect(await verdict({ type: "dkim", result: "pass", domain: "SHOP.example" })).toMatchObject({
      pass: true,
    });
    expect(
      await verdict({ type: "dkim", result: "pass", domain: "shop.example", selector: "s1" }),
    ).toMatchObject({
      pass: true,
    });
    const failing = await verdict({ type: "dkim", result: "pass", domain: "esp.example" });
    expect(failing).toMatchObject({ pass: false, actual: signatures });
    expect(failing.message).toContain("body hash did not verify");
    expect(await verdict({ type: "dkim", result: "pass", selector: "k1" })).toMatchObject({ pass: false });
    expect(await verdict({ type: "dkim", result: "fail", domain: "esp.example" })).toMatchObject({
      pass: true,
    });
  });

  it("attachment: by exact name or pattern, with an optional content type", async () => {
    const { verdict } = await setup();
    const actual = [{ filename: "invoice-0042.pdf", contentType: "application/pdf", size: 8 }];
    expect(await verdict({ type: "attachment", filename: "invoice-0042.pdf" })).toEqual(
      expect.objectContaining({ pass: true, actual }),
    );
    expect(await verdict({ type: "attachment", filename: "invoice.pdf" })).toMatchObject({
      pass: false,
      actual,
    });
    expect(
      await verdict({ type: "attachment", matches: "^invoice-\\d+\\.pdf$", contentType: "Application/PDF" }),
    ).toMatchObject({ pass: true });
    const wrongType = await verdict({ type: "attachment", matches: "\\.pdf$", contentType: "text/csv" });
    expect(wrongType).toMatchObject({ pass: false, actual });
    expect(wrongType.message).toContain("application/pdf");
  });

  it("answers one verdict per assertion, in order; pass only when all hold", async () => {
    const { check } = await setup();
    const res = await check([
      { type: "subject", contains: "code" },
      { type: "spf", result: "fail" },
      { type: "code" },
    ]);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pass).toBe(false);
    expect(body.results.map((r: { pass: boolean }) => r.pass)).toEqual([true, false, true]);
    expect(body.results[1].message).toBe("expected spf=fail; got spf=pass");
    const allGood = await check([{ type: "subject", contains: "code" }, { type: "code" }]);
    expect(allGood.json().pass).toBe(true);
  });
});

describe("assertions on mail that did not come over SMTP", () => {
  it("auth and recipient fail with actual null", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const raw = buildRaw({ to: `alice@${run.domain}` });
    const msg = await t.store.appendMessage(run.id, {
      address: `alice@${run.domain}`,
      raw,
      meta: indexMessage(raw),
    });
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/runs/${run.id}/messages/${msg.id}/assert`,
      headers: bearer(run.token),
      payload: {
        assertions: [
          { type: "spf", result: "pass" },
          { type: "dkim", result: "pass" },
          { type: "recipient", address: `alice@${run.domain}` },
        ],
      },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.pass).toBe(false);
    for (const r of body.results) {
      expect(r.pass).toBe(false);
      expect(r.actual).toBeNull();
      expect(r.message).toMatch(/not received over SMTP/);
    }
  });
});

describe("bad assertion requests", () => {
  const bad: Array<[string, unknown]> = [
    ["an unknown assertion type", { assertions: [{ type: "smell", equals: "roses" }] }],
    ["no matcher", { assertions: [{ type: "subject" }] }],
    ["two matchers", { assertions: [{ type: "subject", equals: "a", contains: "b" }] }],
    [
      "header with exists and a matcher",
      { assertions: [{ type: "header", name: "X", exists: true, equals: "a" }] },
    ],
    ["an unknown pattern flag", { assertions: [{ type: "link", matches: "/a/q" }] }],
    ["an invalid pattern", { assertions: [{ type: "subject", matches: "[unclosed" }] }],
    ["an unknown auth result", { assertions: [{ type: "spf", result: "great" }] }],
    ["an unknown member", { assertions: [{ type: "code", value: "1234", fuzzy: true }] }],
    ["attachment without a name", { assertions: [{ type: "attachment", contentType: "application/pdf" }] }],
    ["an empty list", { assertions: [] }],
    ["no list", {}],
  ];
  it("a pattern RE2 cannot run -> 400 unsupported_pattern", async () => {
    const { t, url, headers } = await setup();
    for (const assertion of [
      { type: "link", matches: "(?<=token=)\\w+" },
      { type: "attachment", matches: "(\\w)\\1" },
      { type: "header", name: "X", regex: "a(?!b)" },
    ]) {
      const res = await t.app.inject({ method: "POST", url, headers, payload: { assertions: [assertion] } });
      expect(res.statusCode).toBe(400);
      expect(problemOf(res).code).toBe("unsupported_pattern");
    }
  });

  it.each(bad)("%s -> 400 invalid_request", async (_what, payload) => {
    const { t, url, headers } = await setup();
    const res = await t.app.inject({ method: "POST", url, headers, payload: payload as object });
    expect(res.statusCode).toBe(400);
    const problem = problemOf(res);
    expect(problem.code).toBe("invalid_request");
    expect(problem.errors?.[0]?.in).toBe("body");
  });

  it("an unknown message is 404 and a missing token 401", async () => {
    const { t, run, url, headers } = await setup();
    const payload = { assertions: [{ type: "code" }] };
    const missing = await t.app.inject({
      method: "POST",
      url: `/v1/runs/${run.id}/messages/nope/assert`,
      headers,
      payload,
    });
    expect(missing.statusCode).toBe(404);
    expect(problemOf(missing).code).toBe("message_not_found");
    const anonymous = await t.app.inject({ method: "POST", url, payload });
    expect(anonymous.statusCode).toBe(401);
  });
});

// An envelope but no stored results: the checks did not run for this message.
describe("a message with an envelope but no auth results", () => {
  it("reports the auth method as not checked", async () => {
    t = await makeApp();
    const run = await createRun(t.app);
    const msg = await seed(t.store, run, {});
    const res = await t.app.inject({
      method: "POST",
      url: `/v1/runs/${run.id}/messages/${msg.id}/assert`,
      headers: bearer(run.token),
      payload: { assertions: [{ type: "dmarc", result: "pass" }] },
    });
    expect(res.json().results[0]).toMatchObject({ pass: false, actual: null });
  });
});
