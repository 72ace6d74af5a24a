import type { AuthSummary, DnsRecord } from "@sandmail/core";
import { parseHeaderBlock } from "@sandmail/mime";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// The signing and sealing helpers the mime package's auth tests use: one way to sign, everywhere.
import {
  alterBody,
  dkimKeyRecord,
  ed25519Key,
  forwardAndSeal,
  message,
  rsaKey,
  type SigningKey,
  sign,
  txt,
} from "../../packages/mime/test/auth/support.js";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/*
 * Every message is signed (or sealed) here, sent over real SMTP from 127.0.0.1, and checked by
 * sandmail against the run's DNS records set with PUT /dns:
 * - example.com publishes SPF for 127.0.0.1, DMARC p=reject, an RSA-2048 key (s=rsa) and an
 *   Ed25519 key (s=ed);
 * - spf-fail.example allows only 192.0.2.1 (so mail from 127.0.0.1 fails SPF), DMARC p=reject;
 * - fwd.example.net is a forwarder that ARC-seals: its key is published under arc2025; under
 *   arcbad a different key is published than the one it seals with.
 */

interface MessageView {
  id: string;
  auth: AuthSummary | null;
}

interface Verdict {
  pass: boolean;
  actual: unknown;
  message: string;
}

const smtplib = `
import smtplib, sys
port, sender, rcpt = sys.argv[1:4]
s = smtplib.SMTP("127.0.0.1", int(port))
s.sendmail(sender, [rcpt], sys.stdin.buffer.read())
s.quit()
print("sent")
`;

describe("SPF, DKIM, DMARC and ARC against per-run DNS, over real SMTP", () => {
  let sb: TestSandbox;
  let run: TestRun;
  let rsa: SigningKey;
  let ed: SigningKey;
  let arcKey: SigningKey;
  let records: DnsRecord[];

  beforeAll(async () => {
    // The default 2 s bound on the checks could turn into temperror on a loaded CI machine.
    sb = await startTestSandbox({ SANDMAIL_AUTH_TIMEOUT_MS: "20000" });
    run = await sb.createRun({ label: "auth" });
    rsa = rsaKey();
    ed = ed25519Key();
    arcKey = rsaKey();
    records = [
      txt("example.com", "v=spf1 ip4:127.0.0.1 -all"),
      txt("_dmarc.example.com", "v=DMARC1; p=reject"),
      dkimKeyRecord("rsa", "example.com", rsa),
      dkimKeyRecord("ed", "example.com", ed),
      txt("spf-fail.example", "v=spf1 ip4:192.0.2.1 -all"),
      txt("_dmarc.spf-fail.example", "v=DMARC1; p=reject"),
      dkimKeyRecord("arc2025", "fwd.example.net", arcKey),
      dkimKeyRecord("arcbad", "fwd.example.net", rsaKey()),
    ];
    await putDns(run, records);
  });
  afterAll(() => sb.close());

  async function putDns(target: TestRun, dns: DnsRecord[]) {
    const res = await sb.api(target, `/v1/runs/${target.id}/dns`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ records: dns }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
  }

  /** Sends over SMTP (nodemailer or smtplib) and returns the stored message: a 250 means it is stored. */
  async function deliver(
    raw: Buffer,
    mailFrom: string,
    via: "nodemailer" | "smtplib" = "nodemailer",
    target: TestRun = run,
  ): Promise<MessageView> {
    if (via === "nodemailer") {
      const transport = nodemailer.createTransport({
        host: "127.0.0.1",
        port: sb.ports.smtp,
        ignoreTLS: true,
      });
      try {
        await transport.sendMail({ envelope: { from: mailFrom, to: [target.address("inbox")] }, raw });
      } finally {
        transport.close();
      }
    } else {
      const out = await runPython(smtplib, [String(sb.ports.smtp), mailFrom, target.address("inbox")], raw);
      expect(out.trim()).toBe("sent");
    }
    const list = await sb.api(target, `/v1/runs/${target.id}/messages?limit=1`);
    const id = ((await list.json()) as { messages: Array<{ id: string }> }).messages[0]?.id;
    const res = await sb.api(target, `/v1/runs/${target.id}/messages/${id}`);
    expect(res.status).toBe(200);
    return (await res.json()) as MessageView;
  }

  /** The Authentication-Results header sandmail prepended: the topmost one of the stored bytes. */
  async function prependedResults(id: string, target: TestRun = run): Promise<string> {
    const raw = Buffer.from(
      await (await sb.api(target, `/v1/runs/${target.id}/messages/${id}/raw`)).arrayBuffer(),
    );
    const end = raw.indexOf("\r\n\r\n");
    const fields = parseHeaderBlock(raw.subarray(0, end + 4));
    const field = fields.find((f) => f.name.toLowerCase() === "authentication-results");
    if (!field) throw new Error("no Authentication-Results header");
    return field.value.replace(/\s+/g, " ");
  }

  async function check(id: string, assertions: object[]): Promise<Verdict[]> {
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${id}/assert`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ assertions }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pass: boolean; results: Verdict[] };
    expect(body.pass).toBe(body.results.every((r) => r.pass));
    return body.results;
  }

  describe("DKIM", () => {
    it("RSA-2048 signature passes, aligned; SPF and DMARC pass", async () => {
      const signed = await sign(message({ subject: "rsa pass" }), "example.com", "rsa", rsa);
      const msg = await deliver(signed, "alice@example.com");
      expect(msg.auth?.dkim).toEqual([
        expect.objectContaining({
          result: "pass",
          domain: "example.com",
          selector: "rsa",
          algorithm: "rsa-sha256",
          aligned: true,
        }),
      ]);
      expect(msg.auth?.spf).toMatchObject({ result: "pass", domain: "example.com" });
      expect(msg.auth?.dmarc).toMatchObject({ result: "pass", domain: "example.com", policy: "reject" });
      const header = await prependedResults(msg.id);
      expect(header).toMatch(/dkim=pass [^;]*header\.d=example\.com/);
      expect(header).toMatch(/header\.s=rsa/);
      expect(header).toMatch(/spf=pass/);
      expect(header).toMatch(/dmarc=pass/);

      const [pass, passNamed, wrong] = await check(msg.id, [
        { type: "dkim", result: "pass" },
        { type: "dkim", result: "pass", domain: "example.com", selector: "rsa" },
        { type: "dkim", result: "fail" },
      ]);
      expect(pass).toMatchObject({ pass: true });
      expect(passNamed).toMatchObject({ pass: true });
      expect(wrong).toMatchObject({
        pass: false,
        actual: [expect.objectContaining({ result: "pass", domain: "example.com", selector: "rsa" })],
      });
      expect(wrong?.message).toContain("d=example.com s=rsa pass");
    });

    it("RSA signature fails when the body changed after signing", async () => {
      const signed = await sign(message({ subject: "rsa fail" }), "example.com", "rsa", rsa);
      const msg = await deliver(alterBody(signed), "alice@example.com");
      expect(msg.auth?.dkim).toEqual([
        expect.objectContaining({
          result: "fail",
          domain: "example.com",
          selector: "rsa",
          algorithm: "rsa-sha256",
        }),
      ]);
      expect(msg.auth?.dkim[0]?.reason).toBeTruthy();
      expect(await prependedResults(msg.id)).toMatch(/dkim=fail [^;]*header\.s=rsa/);
      const [failing, expectingFail] = await check(msg.id, [
        { type: "dkim", result: "pass", domain: "example.com" },
        { type: "dkim", result: "fail", selector: "rsa" },
      ]);
      expect(failing).toMatchObject({ pass: false, actual: [expect.objectContaining({ result: "fail" })] });
      expect(failing?.message).toMatch(
        /expected dkim=pass for d=example\.com; signatures: d=example\.com s=rsa fail/,
      );
      expect(expectingFail).toMatchObject({ pass: true });
    });

    it("Ed25519 signature passes (sent with smtplib)", async () => {
      const signed = await sign(message({ subject: "ed pass" }), "example.com", "ed", ed);
      const msg = await deliver(signed, "alice@example.com", "smtplib");
      expect(msg.auth?.dkim).toEqual([
        expect.objectContaining({
          result: "pass",
          domain: "example.com",
          selector: "ed",
          algorithm: "ed25519-sha256",
        }),
      ]);
      expect(await prependedResults(msg.id)).toMatch(/dkim=pass [^;]*header\.s=ed/);
      const [ok] = await check(msg.id, [{ type: "dkim", result: "pass", selector: "ed" }]);
      expect(ok).toMatchObject({ pass: true });
    });

    it("Ed25519 signature fails when made with a key other than the published one", async () => {
      const signed = await sign(message({ subject: "ed fail" }), "example.com", "ed", ed25519Key());
      const msg = await deliver(signed, "alice@example.com", "smtplib");
      expect(msg.auth?.dkim).toEqual([
        expect.objectContaining({
          result: "fail",
          domain: "example.com",
          selector: "ed",
          algorithm: "ed25519-sha256",
        }),
      ]);
      expect(await prependedResults(msg.id)).toMatch(/dkim=fail [^;]*header\.s=ed/);
      const [failing] = await check(msg.id, [{ type: "dkim", result: "pass", selector: "ed" }]);
      expect(failing).toMatchObject({
        pass: false,
        actual: [expect.objectContaining({ result: "fail", selector: "ed", algorithm: "ed25519-sha256" })],
      });
    });
  });

  describe("SPF and DMARC", () => {
    it("SPF passes for 127.0.0.1 when the policy lists it", async () => {
      const msg = await deliver(message({ subject: "spf pass" }), "alice@example.com");
      expect(msg.auth?.spf).toMatchObject({ result: "pass", domain: "example.com" });
      expect(msg.auth?.dkim).toEqual([]);
      // Unsigned, but SPF passes for the From domain: DMARC passes through SPF alignment.
      expect(msg.auth?.dmarc).toMatchObject({ result: "pass", domain: "example.com" });
      expect(await prependedResults(msg.id)).toMatch(/spf=pass [^;]*smtp\.mailfrom=alice@example\.com/);
      const [spf, wrong] = await check(msg.id, [
        { type: "spf", result: "pass" },
        { type: "spf", result: "fail" },
      ]);
      expect(spf).toMatchObject({ pass: true });
      expect(wrong).toMatchObject({ pass: false, actual: expect.objectContaining({ result: "pass" }) });
    });

    it("SPF and DMARC fail when -all excludes 127.0.0.1 and nothing is signed", async () => {
      const raw = message({ from: "bob@spf-fail.example", subject: "spf fail" });
      const msg = await deliver(raw, "bob@spf-fail.example");
      expect(msg.auth?.spf).toMatchObject({ result: "fail", domain: "spf-fail.example" });
      expect(msg.auth?.dmarc).toMatchObject({ result: "fail", domain: "spf-fail.example", policy: "reject" });
      const header = await prependedResults(msg.id);
      expect(header).toMatch(/spf=fail [^;]*smtp\.mailfrom=bob@spf-fail\.example/);
      expect(header).toMatch(/dmarc=fail \(.*\) header\.from=spf-fail\.example policy\.dmarc=reject/);
      const [spf, dmarc, spfFail, dmarcFail] = await check(msg.id, [
        { type: "spf", result: "pass" },
        { type: "dmarc", result: "pass" },
        { type: "spf", result: "fail" },
        { type: "dmarc", result: "fail" },
      ]);
      expect(spf).toMatchObject({
        pass: false,
        actual: expect.objectContaining({ result: "fail", domain: "spf-fail.example" }),
      });
      expect(spf?.message).toMatch(/^expected spf=pass; got spf=fail/);
      expect(dmarc).toMatchObject({
        pass: false,
        actual: expect.objectContaining({ result: "fail", policy: "reject" }),
      });
      expect(spfFail).toMatchObject({ pass: true });
      expect(dmarcFail).toMatchObject({ pass: true });
    });

    it("DMARC passes on an aligned DKIM signature even when SPF fails", async () => {
      const raw = message({ from: "bob@spf-fail.example", subject: "dmarc by dkim" });
      // spf-fail.example publishes no DKIM key, so sign as example.com: not aligned with the From domain.
      const misaligned = await deliver(await sign(raw, "example.com", "rsa", rsa), "bob@spf-fail.example");
      expect(misaligned.auth?.dkim[0]).toMatchObject({ result: "pass", aligned: false });
      expect(misaligned.auth?.dmarc?.result).toBe("fail");
      // Publish a key for the From domain in this run, then the aligned signature carries DMARC.
      await putDns(run, [...records, dkimKeyRecord("rsa", "spf-fail.example", rsa)]);
      try {
        const aligned = await deliver(
          await sign(raw, "spf-fail.example", "rsa", rsa),
          "bob@spf-fail.example",
        );
        expect(aligned.auth?.spf?.result).toBe("fail");
        expect(aligned.auth?.dmarc).toMatchObject({ result: "pass", domain: "spf-fail.example" });
        const [ok] = await check(aligned.id, [{ type: "dmarc", result: "pass" }]);
        expect(ok).toMatchObject({ pass: true });
      } finally {
        await putDns(run, records);
      }
    });
  });

  describe("ARC", () => {
    it("a chain sealed by the forwarder passes", async () => {
      const signed = await sign(message({ subject: "arc pass" }), "example.com", "ed", ed);
      const sealed = await forwardAndSeal(signed, {
        records,
        domain: "fwd.example.net",
        selector: "arc2025",
        key: arcKey,
        mta: "mx.fwd.example.net",
      });
      const msg = await deliver(sealed, "alice@example.com");
      expect(msg.auth?.arc).toMatchObject({ result: "pass", instance: 1 });
      expect(msg.auth?.received[0]).toMatchObject({ authservId: "mx.fwd.example.net" });
      const header = await prependedResults(msg.id);
      expect(header).toMatch(/arc=pass/);
      const [ok, wrong, forwarded] = await check(msg.id, [
        { type: "arc", result: "pass" },
        { type: "arc", result: "fail" },
        { type: "header", name: "ARC-Seal", matches: "d=fwd\\.example\\.net" },
      ]);
      expect(ok).toMatchObject({
        pass: true,
        actual: expect.objectContaining({ result: "pass", instance: 1 }),
      });
      expect(wrong).toMatchObject({ pass: false, actual: expect.objectContaining({ result: "pass" }) });
      expect(forwarded).toMatchObject({ pass: true });
    });

    it("a chain sealed with a key other than the published one fails", async () => {
      const signed = await sign(message({ subject: "arc fail" }), "example.com", "ed", ed);
      const sealed = await forwardAndSeal(signed, {
        records,
        domain: "fwd.example.net",
        selector: "arcbad",
        key: arcKey,
        mta: "mx.fwd.example.net",
      });
      const msg = await deliver(sealed, "alice@example.com", "smtplib");
      expect(msg.auth?.arc?.result).toBe("fail");
      expect(await prependedResults(msg.id)).toMatch(/arc=fail/);
      const [failing] = await check(msg.id, [{ type: "arc", result: "pass" }]);
      expect(failing).toMatchObject({ pass: false, actual: expect.objectContaining({ result: "fail" }) });
      expect(failing?.message).toMatch(/^expected arc=pass; got arc=fail/);
    });
  });

  it("records apply to mail arriving after the PUT; earlier mail keeps its results", async () => {
    const fresh = await sb.createRun({ label: "auth-later" });
    const signed = await sign(message({ subject: "before and after" }), "example.com", "rsa", rsa);
    const before = await deliver(signed, "alice@example.com", "nodemailer", fresh);
    expect(before.auth?.spf?.result).toBe("none");
    expect(before.auth?.dkim[0]?.result).not.toBe("pass");
    await putDns(fresh, records);
    const after = await deliver(signed, "alice@example.com", "nodemailer", fresh);
    expect(after.auth?.spf?.result).toBe("pass");
    expect(after.auth?.dkim[0]?.result).toBe("pass");
    const again = await sb.api(fresh, `/v1/runs/${fresh.id}/messages/${before.id}`);
    expect(((await again.json()) as MessageView).auth).toEqual(before.auth);
    expect(await prependedResults(before.id, fresh)).toMatch(/spf=none/);
  });
});
