import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Harness, startHarness } from "./support/harness.js";

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.stop();
});

/*
 * Results of unsigned mail are remembered per run and per (sender, client, HELO, From): the
 * memo must give the same answers as checking each message, and forget them when the run's
 * DNS records change.
 */
describe("authentication results of unsigned mail, remembered", () => {
  it("repeats the answer for the same sender and recomputes it when the run's DNS records change", async () => {
    const run = await h.createRun();
    const to = `memo@${run.id}.sandmail.test`;
    const mailer = nodemailer.createTransport({
      host: "127.0.0.1",
      port: h.port,
      ignoreTLS: true,
      pool: true,
    });
    const send = (subject: string) =>
      mailer.sendMail({
        from: "app@example.com",
        to,
        subject,
        text: subject,
        envelope: { from: "app@example.com", to },
      });
    const spfOf = async () => (await h.messages(run.id)).map((m) => m.auth?.spf?.result);

    try {
      await send("one");
      await send("two");
      expect(await spfOf()).toEqual(["none", "none"]);

      await h.store.setDnsRecords(run.id, [
        { name: "example.com", type: "TXT", values: ["v=spf1 ip4:127.0.0.1 -all"] },
      ]);
      await send("three");
      expect((await spfOf()).at(-1)).toBe("pass");

      await h.store.setDnsRecords(run.id, [{ name: "example.com", type: "TXT", values: ["v=spf1 -all"] }]);
      await send("four");
      await send("five");
      expect((await spfOf()).slice(-2)).toEqual(["fail", "fail"]);

      // Another run with no records still says none: memos are per run.
      const other = await h.createRun();
      await mailer.sendMail({
        from: "app@example.com",
        to: `memo@${other.id}.sandmail.test`,
        subject: "x",
        text: "x",
      });
      expect((await h.messages(other.id)).map((m) => m.auth?.spf?.result)).toEqual(["none"]);
    } finally {
      mailer.close();
    }
  });
});
