/**
 * The fixture corpus (services/imap/test/fixtures/*.eml) with the flags and internal dates the
 * differential tests give each message, so searches on flags and dates have something to find.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { RawImapClient } from "../support/imap-raw-client.js";

export interface Fixture {
  name: string;
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

const dir = fileURLToPath(new URL("../fixtures/", import.meta.url));

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `date-time` for APPEND, in UTC. */
export function imapDateTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

export function loadFixtures(): Fixture[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith(".eml"))
    .sort();
  return names.map((name, i) => {
    const flags: string[] = [];
    if (i % 3 === 0) flags.push("\\Seen");
    if (i % 4 === 1) flags.push("\\Flagged");
    if (i % 5 === 2) flags.push("\\Answered");
    if (i % 7 === 3) flags.push("\\Draft");
    if (i % 6 === 4) flags.push("$Label1");
    if (i === 10) flags.push("\\Deleted");
    return {
      name,
      raw: readFileSync(join(dir, name)),
      flags,
      internalDate: new Date(Date.UTC(2024, 1, 1 + (i % 20), 8 + (i % 12), 30, 0)),
    };
  });
}

/** APPENDs messages with their flags and internal dates, in order. */
export async function appendAll(
  client: RawImapClient,
  mailbox: string,
  messages: ReadonlyArray<{ raw: Buffer; flags: string[]; internalDate: Date }>,
): Promise<void> {
  for (const m of messages)
    await client.ok(`APPEND ${mailbox} (${m.flags.join(" ")}) "${imapDateTime(m.internalDate)}" `, m.raw);
}
