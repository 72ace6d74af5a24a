import { spawn } from "node:child_process";

export interface PythonSend {
  port: number;
  mode: "plain" | "starttls" | "ssl";
  from: string;
  to: string[];
  /** The message as text; sent with sendmail() (bytes, UTF-8). */
  message: string;
  login?: { user: string; password: string };
  /** ESMTP MAIL parameters, e.g. ["SMTPUTF8"]. */
  mailOptions?: string[];
}

export interface PythonResult {
  ok: boolean;
  /** Recipients refused at RCPT (code, message) when some were accepted. */
  refused?: Record<string, [number, string]>;
  /** The SMTP error that ended the send. */
  code?: number;
  error?: string;
  kind?: string;
  features?: string[];
}

/** Python's smtplib in a subprocess: a second, independent SMTP client implementation. */
const script = `
import json, smtplib, ssl, sys
a = json.load(sys.stdin)
ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
out = {"ok": False}
try:
    if a["mode"] == "ssl":
        s = smtplib.SMTP_SSL("127.0.0.1", a["port"], context=ctx, timeout=20)
    else:
        s = smtplib.SMTP("127.0.0.1", a["port"], timeout=20)
    s.ehlo("python.client.test")
    if a["mode"] == "starttls":
        s.starttls(context=ctx)
        s.ehlo("python.client.test")
    out["features"] = sorted(s.esmtp_features.keys())
    if a.get("login"):
        s.login(a["login"]["user"], a["login"]["password"])
    refused = s.sendmail(a["from"], a["to"], a["message"].encode("utf-8"), mail_options=a.get("mailOptions", []))
    out["ok"] = True
    out["refused"] = {k: [v[0], v[1].decode("utf-8", "replace")] for k, v in refused.items()}
    s.quit()
except smtplib.SMTPRecipientsRefused as e:
    out["kind"] = "recipients"
    first = list(e.recipients.values())[0]
    out["code"] = first[0]
    out["error"] = first[1].decode("utf-8", "replace")
except smtplib.SMTPResponseException as e:
    out["kind"] = type(e).__name__
    out["code"] = e.smtp_code
    out["error"] = e.smtp_error.decode("utf-8", "replace") if isinstance(e.smtp_error, bytes) else str(e.smtp_error)
print(json.dumps(out))
`;

export function pythonSend(input: PythonSend): Promise<PythonResult> {
  return new Promise((resolve, reject) => {
    const child = spawn("python3", ["-c", script], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code !== 0) return reject(new Error(`python3 exited ${code}: ${stderr}`));
      try {
        resolve(JSON.parse(stdout) as PythonResult);
      } catch {
        reject(new Error(`python3 printed no JSON: ${stdout} ${stderr}`));
      }
    });
    child.stdin.end(JSON.stringify(input));
  });
}
