import { connect } from "node:net";
import type { SpamEngine, SpamReport, SpamRule } from "./types.js";

export interface SpamdOptions {
  host: string;
  port: number;
  timeoutMs?: number;
  /** Bound on spamd's answer; a report is a few KiB. */
  maxResponseBytes?: number;
}

/**
 * A client of spamd's SPAMC/1.5 protocol (the one spamc speaks): one REPORT request per
 * connection. Hand-written because the protocol is a dozen lines and the npm clients for it are
 * unmaintained.
 */
export function spamdEngine(options: SpamdOptions): SpamEngine {
  return { name: "spamassassin", check: (raw) => spamdReport(raw, options) };
}

export function parseSpamdAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(value.trim());
  const port = Number(match?.[3]);
  if (!match || port < 1 || port > 65535) throw new Error(`expected host:port, got "${value}"`);
  return { host: (match[1] ?? match[2]) as string, port };
}

function spamdReport(
  raw: Buffer,
  { host, port, timeoutMs = 30_000, maxResponseBytes = 1 << 20 }: SpamdOptions,
) {
  return new Promise<SpamReport>((resolve, reject) => {
    const socket = connect({ host, port });
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () =>
      fail(new Error(`spamd at ${host}:${port} did not answer within ${timeoutMs} ms`)),
    );
    socket.on("error", (err) => fail(new Error(`spamd at ${host}:${port}: ${err.message}`)));
    socket.on("connect", () => {
      socket.write(`REPORT SPAMC/1.5\r\nContent-length: ${raw.length}\r\n\r\n`);
      socket.end(raw);
    });
    socket.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxResponseBytes) return fail(new Error("spamd's answer is too large"));
      chunks.push(chunk);
    });
    socket.on("end", () => {
      try {
        resolve(parseSpamdResponse(Buffer.concat(chunks).toString("utf8")));
      } catch (err) {
        reject(err);
      }
    });
  });
}

/** Parses `SPAMD/1.1 0 EX_OK`, the `Spam: True ; 1000.0 / 5.0` header and the report's rule table. */
export function parseSpamdResponse(text: string): SpamReport {
  const headerEnd = text.indexOf("\r\n\r\n");
  const head = headerEnd === -1 ? text : text.slice(0, headerEnd);
  const body = headerEnd === -1 ? "" : text.slice(headerEnd + 4);
  const [status, ...headers] = head.split("\r\n");
  const statusMatch = /^SPAMD\/[\d.]+\s+(\d+)\s+(.*)$/.exec(status ?? "");
  if (!statusMatch) throw new Error(`spamd answered something else: ${(status ?? "").slice(0, 100)}`);
  if (statusMatch[1] !== "0") throw new Error(`spamd refused the check: ${statusMatch[1]} ${statusMatch[2]}`);
  const spam = headers
    .map((line) => /^Spam:\s*(\w+)\s*;\s*(-?[\d.]+)\s*\/\s*(-?[\d.]+)/i.exec(line))
    .find((m) => m !== null);
  if (!spam) throw new Error("spamd's answer has no Spam header");
  return {
    isSpam: /^(true|yes)$/i.test(spam[1] as string),
    score: Number(spam[2]),
    threshold: Number(spam[3]),
    rules: parseRuleTable(body),
  };
}

/**
 * The report's table: ` pts rule name   description`, a dashed line, then one rule a line, long
 * descriptions continued on indented lines.
 */
function parseRuleTable(report: string): SpamRule[] {
  const lines = report.split(/\r?\n/);
  const start = lines.findIndex((line) => /^\s*-{3,}\s+-{3,}/.test(line));
  if (start === -1) return [];
  const rules: SpamRule[] = [];
  for (const line of lines.slice(start + 1)) {
    const rule = /^\s*(-?\d+(?:\.\d+)?)\s+([A-Z0-9_]+)\s+(.*)$/.exec(line);
    if (rule) {
      rules.push({
        score: Number(rule[1]),
        name: rule[2] as string,
        description: (rule[3] as string).trim(),
      });
    } else if (/^\s{2,}\S/.test(line) && rules.length > 0) {
      const last = rules[rules.length - 1] as SpamRule;
      last.description = `${last.description} ${line.trim()}`;
    } else if (line.trim() === "") {
      break;
    }
  }
  return rules;
}
