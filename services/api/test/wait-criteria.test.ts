import { afterEach, describe, expect, it } from "vitest";
import { bearer, buildRaw, createRun, makeApp, problemOf, seed, type TestApp } from "./helpers.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** A run holding a few different messages; each criterion must pick out exactly the expected ones. */
async function setup() {
  t = await makeApp();
  const run = await createRun(t.app);
  const { store, app } = t;
  const headers = bearer(run.token);
  const at = (local: string) => `${local}@${run.domain}`;
  const welcome = await seed(store, run, {
    to: at("alice"),
    from: '"Shop Team" <team@shop.example>',
    subject: "Welcome!",
    text: "Your verification code is 482913.",
    extraHeaders: ["X-Campaign: spring-2026", "X-Priority: 1"],
  });
  const reset = await seed(store, run, {
    to: at("bob"),
    from: "security@bank.example",
    subject: "WELCOME to password reset",
    text: "Reset link inside",
    extraHeaders: ["X-Campaign: autumn"],
  });
  // HTML only: the code is split across inline tags.
  const htmlOnly = await seed(
    store,
    run,
    { to: at("carol") },
    Buffer.from(
      [
        "From: news@shop.example",
        `To: ${at("carol")}`,
        "Subject: Your login code",
        "Content-Type: text/html; charset=utf-8",
        "",
        "<html><body><p>Your login code is <b>77 31</b> &amp; expires soon.</p></body></html>",
        "",
      ].join("\r\n"),
    ),
  );
  // BCC: the envelope names dave, the headers do not.
  const bcc = await store.appendMessage(run.id, {
    address: at("dave"),
    raw: buildRaw({ to: at("alice"), subject: "Copy for the auditor" }),
    meta: (await import("@sandmail/mime")).indexMessage(
      buildRaw({ to: at("alice"), subject: "Copy for the auditor" }),
    ),
    envelope: {
      mailFrom: "bounce@shop.example",
      rcptTo: [at("dave")],
      clientAddress: "127.0.0.1",
      helo: "x",
      tls: false,
    },
  });
  const ids = { welcome: welcome.id, reset: reset.id, htmlOnly: htmlOnly.id, bcc: bcc.id };
  const name = Object.fromEntries(Object.entries(ids).map(([k, v]) => [v, k]));
  /** Names of the messages the list route returns for the query (oldest first). */
  const listed = async (query: string) => {
    const res = await app.inject({ url: `/v1/runs/${run.id}/messages?${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().messages as Array<{ id: string }>).map((m) => name[m.id]).reverse();
  };
  /** Names of the messages a wait for all matches returns. */
  const waited = async (query: string) => {
    const res = await app.inject({
      url: `/v1/runs/${run.id}/messages/wait?${query}&count=4&timeout=0`,
      headers,
    });
    if (res.statusCode === 408)
      return (res.json().matchedMessages as Array<{ id: string }>).map((m) => name[m.id]);
    expect(res.statusCode, res.body).toBe(200);
    return (res.json().messages as Array<{ id: string }>).map((m) => name[m.id]);
  };
  return { app, store, run, headers, at, ids, listed, waited };
}

const q = encodeURIComponent;

describe("criteria, as wait and as list filters", () => {
  it.each([
    ["subject contains, any case", `subject=${q("welcome")}`, ["welcome", "reset"]],
    ["subject exact (quoted), case kept", `subject=${q('"Welcome!"')}`, ["welcome"]],
    ["subject exact does not match a substring", `subject=${q('"Welcome"')}`, []],
    ["subject regex with flags", `subject=${q("/^welcome/i")}`, ["welcome", "reset"]],
    ["subject regex without i", `subject=${q("/^WELCOME/")}`, ["reset"]],
    ["to contains", `to=${q("bob@")}`, ["reset"]],
    ["to exact ignores case", `to=${q('"CAROL@{domain}"')}`, ["htmlOnly"]],
    ["to exact does not match a part", `to=${q('"carol"')}`, []],
    // Exact `to` values are answered from the recipient index: header, envelope and inbox address.
    ["to exact, header To or inbox", `to=${q('"ALICE@{domain}"')}`, ["welcome", "bcc"]],
    ["to exact, envelope or inbox only", `to=${q('"dave@{domain}"')}`, ["bcc"]],
    ["to exact within an inbox", `inbox=${q("dave@{domain}")}&to=${q('"alice@{domain}"')}`, ["bcc"]],
    ["to exact, no such recipient", `to=${q('"erin@{domain}"')}`, []],
    ["to regex", `to=${q("/^(alice|carol)@/")}`, ["welcome", "htmlOnly", "bcc"]],
    ["to matches the envelope (BCC)", `to=${q("dave@")}`, ["bcc"]],
    ["from by display name", `from=${q("shop team")}`, ["welcome"]],
    ["from exact address", `from=${q('"security@bank.example"')}`, ["reset"]],
    ["from regex on the domain", `from=${q("/@bank\\.example$/")}`, ["reset"]],
    [
      "from matches the envelope MAIL FROM",
      `from=${q('"bounce@shop.example"')}`,
      ["welcome", "reset", "htmlOnly", "bcc"],
    ],
    ["text in the text part", `text=${q("482913")}`, ["welcome"]],
    ["text in HTML-only mail, across tags", `text=${q("login code is 77 31 & expires")}`, ["htmlOnly"]],
    ["text regex", `text=${q("/code is \\d{6}/")}`, ["welcome"]],
    ["text exact is the whole body", `text=${q('"Reset link inside"')}`, []],
    ["header name and value", `header=${q("X-Campaign: spring-2026")}`, ["welcome"]],
    ["header name any case, value contains", `header=${q("x-campaign: AUTUMN")}`, ["reset"]],
    ["header regex value", `header=${q("X-Campaign: /^(spring|autumn)/")}`, ["welcome", "reset"]],
    ["header exists", `header=${q("X-Priority")}`, ["welcome"]],
    [
      "several headers all match",
      `header=${q("X-Campaign: spring")}&header=${q("X-Priority: 1")}`,
      ["welcome"],
    ],
    ["inbox", `inbox=${q("BOB@")}`, []],
    ["unread", "unread=true", ["welcome", "reset", "htmlOnly", "bcc"]],
    ["read", "unread=false", []],
    ["criteria combine", `subject=welcome&to=${q("alice")}`, ["welcome"]],
  ])("%s", async (_label, query, expected) => {
    const { listed, waited, run } = await setup();
    const filled = query.replaceAll(q("{domain}"), run.domain);
    expect(await waited(filled)).toEqual(expected);
    expect(await listed(filled)).toEqual(expected);
  });

  it("inbox and mailbox pick the folder a message is in now", async () => {
    const { store, run, at, ids, listed, waited } = await setup();
    expect(await waited(`inbox=${q(at("Bob"))}`)).toEqual(["reset"]);
    const archive = await store.getMailbox(run.id, at("alice"), "Archive");
    await store.moveMessages(run.id, [ids.welcome], archive?.id ?? "");
    expect(await waited("mailbox=Archive")).toEqual(["welcome"]);
    expect(await waited("mailbox=inbox")).toEqual(["reset", "htmlOnly", "bcc"]);
    expect(await listed(`mailbox=Archive&inbox=${q(at("alice"))}`)).toEqual(["welcome"]);
  });

  it("unread follows flag changes", async () => {
    const { store, run, ids, waited, listed } = await setup();
    await store.updateFlags(run.id, [ids.reset], { op: "add", flags: ["\\Seen"] });
    expect(await waited("unread=false")).toEqual(["reset"]);
    expect(await listed("unread=true")).toEqual(["welcome", "htmlOnly", "bcc"]);
  });

  it("the list takes `after` as a cursor", async () => {
    const { store, run, ids, listed } = await setup();
    const reset = await store.getMessage(run.id, ids.reset);
    expect(await listed(`after=${reset?.seq}`)).toEqual(["htmlOnly", "bcc"]);
  });

  it("POST accepts the object forms", async () => {
    const { app, run, headers, ids } = await setup();
    const post = async (body: object) => {
      const res = await app.inject({
        method: "POST",
        url: `/v1/runs/${run.id}/messages/wait`,
        headers,
        payload: { count: 4, timeout: 0, ...body },
      });
      const json = res.json();
      return (res.statusCode === 408 ? json.matchedMessages : json.messages).map((m: { id: string }) => m.id);
    };
    expect(await post({ subject: { regex: "^welcome", flags: "i" } })).toEqual([ids.welcome, ids.reset]);
    expect(await post({ subject: { equals: "Welcome!" } })).toEqual([ids.welcome]);
    expect(await post({ subject: { contains: "PASSWORD" } })).toEqual([ids.reset]);
    expect(await post({ subject: '"Welcome!"' })).toEqual([ids.welcome]);
    expect(await post({ header: { name: "X-Campaign", value: { equals: "autumn" } } })).toEqual([ids.reset]);
    expect(await post({ header: ["X-Priority", { name: "x-campaign", value: "/spring/" }] })).toEqual([
      ids.welcome,
    ]);
    expect(await post({ unread: true, to: { regex: "^dave@" } })).toEqual([ids.bcc]);
  });
});

describe("bad criteria are refused with 400 invalid_request", () => {
  it.each([
    ["an unknown flag", `subject=${q("/x/q")}`, "subject"],
    ["an invalid regex", `text=${q("/(/")}`, "text"],
    ["an over-long pattern", `subject=${q(`/${"a".repeat(600)}/`)}`, "subject"],
    ["a header without a name", `header=${q(": value")}`, "header"],
    ["count 0", "count=0", "count"],
    ["a negative timeout", "timeout=-1", "timeout"],
    ["unread=maybe", "unread=maybe", "unread"],
    ["an unknown parameter", "subjekt=hi", ""],
  ])("%s", async (_label, query, path) => {
    const { app, run, headers } = await setup();
    for (const url of [`/v1/runs/${run.id}/messages/wait?${query}`, `/v1/runs/${run.id}/messages?${query}`]) {
      if (url.includes("/messages?") && /count|timeout/.test(path)) continue;
      const res = await app.inject({ url, headers });
      expect(res.statusCode, res.body).toBe(400);
      const problem = problemOf(res);
      expect(problem.code).toBe("invalid_request");
      if (path) expect(problem.errors?.some((e) => e.path.startsWith(path))).toBe(true);
    }
  });

  it("in a JSON body too", async () => {
    const { app, run, headers } = await setup();
    for (const payload of [
      { subject: { regex: "(a" } },
      { subject: { regex: "x", flags: "qi" } },
      { subject: { equals: "x", contains: "y" } },
      { header: { name: "bad name", value: "x" } },
      { count: "2" },
    ]) {
      const res = await app.inject({
        method: "POST",
        url: `/v1/runs/${run.id}/messages/wait`,
        headers,
        payload,
      });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(problemOf(res).code).toBe("invalid_request");
    }
  });
});

describe("patterns RE2 cannot run are refused with 400 unsupported_pattern", () => {
  it.each([
    ["a backreference", `subject=${q("/(a)\\1/")}`, "subject"],
    ["a lookahead in a header value", `header=${q("X: /a(?=b)/")}`, "header"],
    ["a lookbehind", `text=${q("/(?<=code: )\\d+/")}`, "text"],
  ])("%s", async (_label, query, path) => {
    const { app, run, headers } = await setup();
    for (const url of [`/v1/runs/${run.id}/messages/wait?${query}`, `/v1/runs/${run.id}/messages?${query}`]) {
      const res = await app.inject({ url, headers });
      expect(res.statusCode, res.body).toBe(400);
      const problem = problemOf(res);
      expect(problem.code).toBe("unsupported_pattern");
      expect(problem.errors?.some((e) => e.path.startsWith(path))).toBe(true);
    }
    const body = await app.inject({
      method: "POST",
      url: `/v1/runs/${run.id}/messages/wait`,
      headers,
      payload: { subject: { regex: "(a)\\1" } },
    });
    expect(problemOf(body).code).toBe("unsupported_pattern");
  });
});

describe("OpenAPI", () => {
  it("documents both wait routes with their criteria, results and problems", async () => {
    const { app } = await setup();
    const doc = (await app.inject({ url: "/openapi.json" })).json();
    const path = doc.paths["/v1/runs/{run}/messages/wait"];
    const names = path.get.parameters.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining([
        "to",
        "from",
        "subject",
        "text",
        "header",
        "inbox",
        "mailbox",
        "unread",
        "after",
        "count",
        "timeout",
        "expect",
      ]),
    );
    expect(Object.keys(path.get.responses)).toEqual(
      expect.arrayContaining(["200", "400", "401", "404", "408", "409"]),
    );
    expect(path.post.requestBody).toBeDefined();
    const listNames = doc.paths["/v1/runs/{run}/messages"].get.parameters.map(
      (p: { name: string }) => p.name,
    );
    expect(listNames).toEqual(expect.arrayContaining(["subject", "text", "header", "after", "unread"]));
  });
});
