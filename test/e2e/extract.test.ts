import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";

/** Links and codes expected for each fixture, written by hand next to the .eml. */
interface Expected {
  links: Array<{ url: string; text?: string; sources: string[] }>;
  codes: Array<{ value: string; raw?: string; sources: string[] }>;
}

interface MessageView {
  id: string;
  links: Expected["links"];
  codes: Array<{
    value: string;
    raw: string;
    source: string;
    sources: string[];
    context: string;
    score: number;
  }>;
  attachments: Array<{ filename?: string }>;
}

const fixtureDir = new URL("../../packages/mime/test/extract-fixtures/", import.meta.url);
const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`${name}.eml`, fixtureDir)));
const expectation = (name: string) =>
  JSON.parse(readFileSync(fileURLToPath(new URL(`${name}.expected.json`, fixtureDir)), "utf8")) as Expected;

// A spread of layouts: HTML + text, a code in a table, quoted-printable, base64, legacy charsets,
// HTML-only, text-only, an attachment, several languages.
const overNodemailer = [
  "01-signup-confirmation",
  "05-otp-html-table",
  "08-otp-alphanumeric-quoted-printable",
  "10-german-quoted-printable",
  "11-french-base64",
  "16-dutch-html-only",
  "22-reset-with-link-and-code",
  "24-mixed-with-attachment",
];
const overSmtplib = ["13-japanese-iso-2022-jp", "03-magic-link-text-only"];

const smtplib = `
import smtplib, sys
port, sender, rcpt = sys.argv[1:4]
s = smtplib.SMTP("127.0.0.1", int(port))
s.sendmail(sender, [rcpt], sys.stdin.buffer.read())
s.quit()
print("sent")
`;

describe("extraction over real SMTP and HTTP", () => {
  let sb: TestSandbox;
  let run: TestRun;
  const ids = new Map<string, string>();

  /** The newest message: a 250 after DATA means the one just sent is stored. */
  async function latestId(): Promise<string> {
    const res = await sb.api(run, `/v1/runs/${run.id}/messages?limit=1`);
    const body = (await res.json()) as { messages: Array<{ id: string }> };
    const id = body.messages[0]?.id;
    if (!id) throw new Error("no message stored");
    return id;
  }

  beforeAll(async () => {
    sb = await startTestSandbox();
    run = await sb.createRun({ label: "extract" });
    const transport = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
    try {
      for (const name of overNodemailer) {
        await transport.sendMail({
          envelope: { from: "sender@example.com", to: [run.address("reader")] },
          raw: fixture(name),
        });
        ids.set(name, await latestId());
      }
    } finally {
      transport.close();
    }
    for (const name of overSmtplib) {
      const out = await runPython(
        smtplib,
        [String(sb.ports.smtp), "sender@example.com", run.address("reader")],
        fixture(name),
      );
      expect(out.trim()).toBe("sent");
      ids.set(name, await latestId());
    }
  });
  afterAll(() => sb.close());

  async function view(name: string): Promise<MessageView> {
    const res = await sb.api(run, `/v1/runs/${run.id}/messages/${ids.get(name)}`);
    expect(res.status).toBe(200);
    return (await res.json()) as MessageView;
  }

  it.each([...overNodemailer, ...overSmtplib])(
    "%s: links and codes as written in its .expected.json",
    async (name) => {
      const expected = expectation(name);
      const msg = await view(name);
      expect(msg.links).toEqual(expected.links);
      expect(
        msg.codes.map((code, i) => ({
          value: code.value,
          ...(expected.codes[i]?.raw !== undefined ? { raw: code.raw } : {}),
          sources: code.sources,
        })),
      ).toEqual(expected.codes);
      for (const code of msg.codes) expect(code.context).toContain(code.raw);
    },
  );

  it("keeps the attachment of a mixed message listed beside links and codes", async () => {
    const msg = await view("24-mixed-with-attachment");
    expect(msg.attachments).toHaveLength(1);
    expect(msg.codes[0]?.value).toBe("7214");
  });

  it("extract route: a pattern with a named group over the decoded parts", async () => {
    const id = ids.get("22-reset-with-link-and-code");
    const expected = expectation("22-reset-with-link-and-code");
    const link = expected.links[0]?.url ?? "";
    const host = new URL(link).host.replaceAll(".", "\\.");
    const pattern = `https://${host}/[^"\\s<>]+`;
    const res = await sb.api(
      run,
      `/v1/runs/${run.id}/messages/${id}/extract?pattern=${encodeURIComponent(pattern)}`,
    );
    expect(res.status).toBe(200);
    const { matches } = (await res.json()) as { matches: Array<{ match: string; source: string }> };
    expect(matches.length).toBeGreaterThan(0);
    expect(matches.map((m) => m.match)).toContain(link);

    const code = expected.codes[0]?.value ?? "";
    const byCode = await sb.api(
      run,
      `/v1/runs/${run.id}/messages/${id}/extract?pattern=${encodeURIComponent(`/(?<code>${code})/`)}`,
    );
    const codeMatches = (
      (await byCode.json()) as { matches: Array<{ namedGroups?: Record<string, string> }> }
    ).matches;
    expect(codeMatches.length).toBeGreaterThan(0);
    expect(codeMatches[0]?.namedGroups).toEqual({ code });
  });

  it("extract route: a catastrophic pattern answers; one RE2 cannot run is 400 unsupported_pattern", async () => {
    const id = ids.get("01-signup-confirmation");
    const runs = await sb.api(
      run,
      `/v1/runs/${run.id}/messages/${id}/extract?pattern=${encodeURIComponent("^(\\w+\\s?)*$")}`,
    );
    expect(runs.status).toBe(200);
    const res = await sb.api(
      run,
      `/v1/runs/${run.id}/messages/${id}/extract?pattern=${encodeURIComponent("(\\w+) \\1")}`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
    expect(((await res.json()) as { code: string }).code).toBe("unsupported_pattern");
    const after = await sb.api(run, `/v1/runs/${run.id}/messages/${id}`);
    expect(after.status).toBe(200);
  });
});
