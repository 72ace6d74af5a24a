/**
 * Real POP3 clients against the all-in-one server: Python's poplib, fetchmail and getmail6, over
 * STLS and implicit TLS. Mail arrives over SMTP; what a client deletes is gone from IMAP and the
 * API too, and what it only reads is marked seen there.
 */
import { spawn, spawnSync } from "node:child_process";
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openInbox } from "../support/imap-client.js";
import { runPython } from "../support/python.js";
import { startTestSandbox, type TestRun, type TestSandbox } from "../support/sandbox.js";
import { assertTool, skipWithoutTool } from "../support/tools.js";

let sb: TestSandbox;
let dir: string;

beforeAll(async () => {
  sb = await startTestSandbox();
  dir = await mkdtemp(join(tmpdir(), "sandmail-pop3-"));
});

afterAll(async () => {
  await sb?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function send(to: string, subjects: string[]): Promise<void> {
  const smtp = nodemailer.createTransport({ host: "127.0.0.1", port: sb.ports.smtp, ignoreTLS: true });
  for (const subject of subjects) {
    await smtp.sendMail({ from: "app@example.com", to, subject, text: `body of ${subject}\n.leading dot\n` });
  }
  smtp.close();
}

/** Subjects and seen flags in the address's INBOX, as the API lists them. */
async function apiInbox(run: TestRun, address: string): Promise<Array<{ subject: string; seen: boolean }>> {
  const res = await sb.api(run, `/v1/runs/${run.id}/messages?to=${encodeURIComponent(address)}&limit=100`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { messages: Array<{ subject: string; seen: boolean }> };
  return body.messages
    .map((m) => ({ subject: m.subject, seen: m.seen }))
    .sort((a, b) => a.subject.localeCompare(b.subject));
}

/** Subjects in the address's INBOX, as an IMAP client sees them. */
async function imapSubjects(run: TestRun, address: string): Promise<string[]> {
  const imap = await openInbox(sb, address, run.token);
  try {
    const subjects: string[] = [];
    for await (const m of imap.fetch("1:*", { envelope: true })) subjects.push(m.envelope?.subject ?? "");
    return subjects.sort();
  } finally {
    await imap.logout();
  }
}

const poplibScript = `
import poplib, ssl, sys, json
port, mode, user, token = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
if mode == "implicit":
    p = poplib.POP3_SSL("127.0.0.1", port, context=ctx)
else:
    p = poplib.POP3("127.0.0.1", port)
    p.stls(context=ctx)
caps = p.capa()
p.user(user)
p.pass_(token)
count, size = p.stat()
uidl = [line.decode() for line in p.uidl()[1]]
bodies = []
for n in range(1, count + 1):
    bodies.append(b"\\n".join(p.retr(n)[1]).decode())
top = b"\\n".join(p.top(1, 0)[1]).decode()
p.dele(1)
p.quit()
print(json.dumps({"caps": sorted(caps.keys()), "count": count, "uidl": uidl, "bodies": bodies, "top": top}))
`;

describe("Python poplib", { timeout: 60_000 }, () => {
  for (const mode of ["stls", "implicit"] as const) {
    it(`reads and deletes over ${mode === "stls" ? "STLS" : "implicit TLS"}; IMAP and the API see it`, async () => {
      const run = await sb.createRun();
      const address = run.address("qa");
      await send(address, ["first", "second"]);
      const port = mode === "stls" ? sb.ports.pop3 : sb.ports.pop3s;
      const out = JSON.parse(await runPython(poplibScript, [String(port), mode, address, run.token])) as {
        caps: string[];
        count: number;
        uidl: string[];
        bodies: string[];
        top: string;
      };
      expect(out.caps).toEqual(expect.arrayContaining(["UIDL", "TOP", "USER", "SASL", "RESP-CODES"]));
      expect(out.caps.includes("STLS")).toBe(false); // asked after the upgrade, or on the TLS port
      expect(out.count).toBe(2);
      expect(out.uidl).toHaveLength(2);
      // poplib undoes the dot-stuffing: the body is as sent.
      expect(out.bodies.join("\n")).toContain("\n.leading dot");
      expect(out.top).toMatch(/Subject: (first|second)/);
      expect(out.top).not.toContain("body of");

      const left = await imapSubjects(run, address);
      expect(left).toHaveLength(1);
      const api = await apiInbox(run, address);
      expect(api.map((m) => m.subject)).toEqual(left);
      expect(api[0]!.seen).toBe(true); // RETR read it
    });
  }
});

const fetchmailAvailable = spawnSync("fetchmail", ["--version"], { stdio: "ignore" }).error === undefined;

function runTool(command: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      // fetchmail exits 1 for "no mail", 0 for mail fetched.
      if (code === 0) resolve(out);
      else reject(new Error(`${command} exited with ${code}: ${out}`));
    });
  });
}

describe.skipIf(skipWithoutTool(fetchmailAvailable))("fetchmail", { timeout: 60_000 }, () => {
  for (const mode of ["stls", "implicit"] as const) {
    it(`fetches and flushes over ${mode === "stls" ? "STLS" : "implicit TLS"}`, async () => {
      assertTool(fetchmailAvailable, "fetchmail", "apt-get install fetchmail");
      const run = await sb.createRun();
      const address = run.address("fm");
      await send(address, ["alpha", "beta", "gamma"]);
      const home = join(dir, `fetchmail-${mode}`);
      await mkdir(home, { recursive: true });
      const out = join(home, "delivered.mbox");
      const port = mode === "stls" ? sb.ports.pop3 : sb.ports.pop3s;
      const rc = join(home, "fetchmailrc");
      await writeFile(
        rc,
        `set no syslog
poll 127.0.0.1 service ${port} protocol pop3 auth password
  user "${address}" there with password "${run.token}" is "tester" here
  ${mode === "implicit" ? "ssl" : "sslproto tls1.2+"} no sslcertck
  fetchall nokeep
  mda "cat >> ${out}"
`,
      );
      await chmod(rc, 0o600);
      const log = await runTool("fetchmail", ["-f", rc, "--nodetach", "-v", "--pidfile", join(home, "pid")], {
        FETCHMAILHOME: home,
      });
      if (mode === "stls") expect(log).toMatch(/STLS/);
      const mbox = await readFile(out, "utf8");
      for (const s of ["alpha", "beta", "gamma"]) expect(mbox).toContain(`Subject: ${s}`);
      expect(mbox).toContain("\n.leading dot");
      expect(await imapSubjects(run, address)).toEqual([]);
      expect(await apiInbox(run, address)).toEqual([]);
    });
  }
});

const getmailAvailable = spawnSync("getmail", ["--version"], { stdio: "ignore" }).error === undefined;

describe.skipIf(skipWithoutTool(getmailAvailable))("getmail6", { timeout: 60_000 }, () => {
  // getmail6 has no STLS: it speaks POP3 in clear text or over implicit TLS.
  for (const mode of ["plain", "implicit"] as const) {
    it(`retrieves and deletes over ${mode === "plain" ? "plain POP3" : "implicit TLS"}`, async () => {
      assertTool(getmailAvailable, "getmail", "apt-get install getmail6");
      const run = await sb.createRun();
      const address = run.address("gm");
      await send(address, ["one", "two"]);
      const home = join(dir, `getmail-${mode}`);
      const delivered = join(home, "delivered");
      await mkdir(delivered, { recursive: true });
      const rc = join(home, "getmailrc");
      await writeFile(
        rc,
        `[retriever]
type = ${mode === "implicit" ? "SimplePOP3SSLRetriever" : "SimplePOP3Retriever"}
server = 127.0.0.1
port = ${mode === "implicit" ? sb.ports.pop3s : sb.ports.pop3}
username = ${address}
password = ${run.token}

# getmail's Maildir refuses to deliver as root (CI runs as root): an external MDA writes the files.
[destination]
type = MDA_external
path = /bin/sh
arguments = ("-c", "cat > ${delivered}/msg.$$$$")
allow_root_commands = true

[options]
read_all = true
delete = true
verbose = 2
`,
      );
      await runTool("getmail", ["--getmaildir", home, "--rcfile", rc]);
      const files = await readdir(delivered);
      expect(files).toHaveLength(2);
      const texts = await Promise.all(files.map((f) => readFile(join(delivered, f), "utf8")));
      expect(texts.map((t) => /^Subject: (\w+)/m.exec(t)?.[1]).sort()).toEqual(["one", "two"]);
      expect(await imapSubjects(run, address)).toEqual([]);
      expect(await apiInbox(run, address)).toEqual([]);
    });
  }
});
