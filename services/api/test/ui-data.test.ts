import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  bearer,
  buildRaw,
  type Created,
  createRun,
  makeApp,
  problemOf,
  seed,
  type TestApp,
} from "./helpers.js";

// Data the web UI reads through the public API: settings, folders, moves and the HTML view.
describe("API calls behind the web UI", () => {
  let t: TestApp;
  let run: Created;

  beforeAll(async () => {
    t = await makeApp(
      {},
      { endpoints: { host: "mail.local", smtpPort: 2525, smtpsPort: 4650, imapPort: 1143 } },
    );
    run = await createRun(t.app);
  });
  afterAll(() => t.close());

  it("GET .../settings repeats the run's SMTP and IMAP settings to its token holder only", async () => {
    const res = await t.app.inject({ url: `/v1/runs/${run.id}/settings`, headers: bearer(run.token) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      smtp: { host: "mail.local", port: 2525, tlsPort: 4650, username: run.id, password: run.token },
      imap: { host: "mail.local", port: 1143, usernameHint: `<inbox>@${run.domain}`, password: run.token },
    });
    const other = await createRun(t.app);
    const denied = await t.app.inject({ url: `/v1/runs/${run.id}/settings`, headers: bearer(other.token) });
    expect(denied.statusCode).toBe(401);
    expect(denied.body).not.toContain(run.token);
  });

  it("lists an inbox's folders with counts, and PATCH moves a message between them", async () => {
    const address = `folders@${run.id}.sandmail.test`;
    const msg = await seed(t.store, run, { to: address, subject: "move me" });
    await seed(t.store, run, { to: address, subject: "stay" });
    const folders = async () =>
      (
        await t.app.inject({
          url: `/v1/runs/${run.id}/inboxes/${encodeURIComponent(address.toUpperCase())}/folders`,
          headers: bearer(run.token),
        })
      ).json().folders as Array<{ name: string; specialUse?: string; messages: number; unseen: number }>;
    const before = await folders();
    expect(before.map((f) => f.name)).toEqual(expect.arrayContaining(["INBOX", "Archive", "Trash"]));
    expect(before.find((f) => f.name === "INBOX")).toMatchObject({ messages: 2, unseen: 2 });
    expect(before.find((f) => f.name === "Trash")).toMatchObject({ specialUse: "\\Trash", messages: 0 });

    const moved = await t.app.inject({
      method: "PATCH",
      url: `/v1/runs/${run.id}/messages/${msg.id}`,
      headers: bearer(run.token),
      payload: { seen: true, mailbox: "Archive" },
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json()).toMatchObject({ id: msg.id, mailbox: "Archive", seen: true });
    const after = await folders();
    expect(after.find((f) => f.name === "INBOX")).toMatchObject({ messages: 1, unseen: 1 });
    expect(after.find((f) => f.name === "Archive")).toMatchObject({ messages: 1, unseen: 0 });

    const nowhere = await t.app.inject({
      method: "PATCH",
      url: `/v1/runs/${run.id}/messages/${msg.id}`,
      headers: bearer(run.token),
      payload: { mailbox: "No such folder" },
    });
    expect(problemOf(nowhere).code).toBe("mailbox_not_found");
    const unknown = await t.app.inject({
      url: `/v1/runs/${run.id}/inboxes/nobody%40x.test/folders`,
      headers: bearer(run.token),
    });
    expect(unknown.statusCode).toBe(404);
  });

  it("serves the HTML body sandboxed, remote loads blocked unless asked for, cid: images embedded", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    const raw = buildRaw({
      subject: "html",
      html: '<p>hi</p><img src="cid:logo@x"><img src="https://tracker.example/p.gif">',
    })
      .toString()
      .replace(
        "--b-sandmail-test--",
        [
          "--b-sandmail-test",
          "Content-Type: image/png",
          "Content-ID: <logo@x>",
          "Content-Disposition: inline",
          "Content-Transfer-Encoding: base64",
          "",
          png.toString("base64"),
          "--b-sandmail-test--",
        ].join("\r\n"),
      );
    const msg = await seed(t.store, run, { subject: "html" }, Buffer.from(raw));
    const url = `/v1/runs/${run.id}/messages/${msg.id}/html`;
    const res = await t.app.inject({ url, headers: bearer(run.token) });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toBe("text/html; charset=utf-8");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toMatch(/^sandbox allow-popups allow-popups-to-escape-sandbox;/);
    expect(csp).not.toMatch(/allow-scripts|allow-same-origin|allow-forms/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("img-src data:;");
    expect(res.headers["referrer-policy"]).toBe("no-referrer");
    expect(res.body).toContain(`src="data:image/png;base64,${png.toString("base64")}"`);
    expect(res.body).toContain('<base target="_blank">');

    const remote = await t.app.inject({ url: `${url}?remote=true`, headers: bearer(run.token) });
    expect(String(remote.headers["content-security-policy"])).toContain("img-src data: http: https:");
    expect(String(remote.headers["content-security-policy"])).not.toContain("script-src");

    const plain = await seed(t.store, run, { subject: "text only" });
    const none = await t.app.inject({
      url: `/v1/runs/${run.id}/messages/${plain.id}/html`,
      headers: bearer(run.token),
    });
    expect(none.statusCode).toBe(404);
  });
});
