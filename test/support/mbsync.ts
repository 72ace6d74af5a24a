/**
 * mbsync (Debian's isync), a real IMAP sync client, driven by the tests: a config in a temp dir,
 * one run at a time, and the Maildir it writes read back (RFC-less but documented at
 * https://cr.yp.to/proto/maildir.html: `cur/` and `new/`, `unique:2,FLAGS`).
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { connect as tlsConnect } from "node:tls";

/** Whether the mbsync binary is installed (apt-get install isync). */
export function isMbsyncAvailable(): boolean {
  return spawnSync("mbsync", ["--version"], { stdio: "ignore" }).status === 0;
}

export interface MbsyncAccount {
  port: number;
  user: string;
  password: string;
  /** STARTTLS, trusting exactly this PEM certificate; plain text when absent. */
  certificateFile?: string;
}

/** Writes an mbsyncrc that mirrors every far folder into `<dir>/mail`, both ways, flags included. */
export async function writeMbsyncConfig(dir: string, account: MbsyncAccount): Promise<string> {
  const mail = join(dir, "mail");
  await mkdir(mail, { recursive: true });
  const tls = account.certificateFile
    ? `SSLType STARTTLS\nCertificateFile ${account.certificateFile}`
    : "SSLType None";
  const rc = `# written by test/support/mbsync.ts
IMAPAccount sandmail
Host 127.0.0.1
Port ${account.port}
User "${account.user}"
Pass "${account.password}"
${tls}
AuthMechs LOGIN
PipelineDepth 8

IMAPStore far
Account sandmail

MaildirStore near
Path ${mail}/
Inbox ${mail}/INBOX
SubFolders Verbatim

Channel sandbox
Far :far:
Near :near:
Patterns *
Create Near
Sync All
SyncState *
Expunge None
`;
  const path = join(dir, "mbsyncrc");
  await writeFile(path, rc);
  return path;
}

/** Runs `mbsync -a`; rejects with its output when it fails. */
export function runMbsync(configPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn("mbsync", ["-V", "-c", configPath, "-a"], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`mbsync exited with ${code ?? signal}:\n${out}`));
    });
  });
}

export interface MaildirMessage {
  path: string;
  /** Maildir flags from the `:2,` suffix (D draft, F flagged, R replied, S seen, T trashed). */
  flags: string;
  bytes: Buffer;
}

/** Every message of one Maildir folder (cur and new). */
export async function readMaildir(folder: string): Promise<MaildirMessage[]> {
  const out: MaildirMessage[] = [];
  for (const sub of ["cur", "new"]) {
    const names = await readdir(join(folder, sub)).catch(() => [] as string[]);
    for (const name of names) {
      const path = join(folder, sub, name);
      const info = name.lastIndexOf(":2,");
      out.push({ path, flags: info === -1 ? "" : name.slice(info + 3), bytes: await readFile(path) });
    }
  }
  return out;
}

/** Sets a Maildir flag as a mail client does: the file moves to cur/ with the flag in its info. */
export async function addMaildirFlag(folder: string, message: MaildirMessage, flag: string): Promise<void> {
  const name = message.path.slice(message.path.lastIndexOf("/") + 1);
  const info = name.lastIndexOf(":2,");
  const base = info === -1 ? name : name.slice(0, info);
  const flags = [...new Set([...message.flags, flag])].sort().join("");
  await rename(message.path, join(folder, "cur", `${base}:2,${flags}`));
}

/** The certificate a TLS port presents, as PEM: what CertificateFile should trust. */
export function peerCertificatePem(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: "127.0.0.1", port, rejectUnauthorized: false }, () => {
      const der = socket.getPeerCertificate().raw;
      socket.destroy();
      const b64 = der.toString("base64").replace(/.{64}/g, "$&\n");
      resolve(`-----BEGIN CERTIFICATE-----\n${b64.replace(/\n$/, "")}\n-----END CERTIFICATE-----\n`);
    });
    socket.once("error", reject);
  });
}
