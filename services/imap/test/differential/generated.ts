/**
 * A few hundred generated messages for the SORT and THREAD differential tests: subjects with
 * Re:/Fwd:/[list] leaders, "(fwd)" trailers and "[Fwd: ...]" wrappers (some encoded-words),
 * References/In-Reply-To chains (some to messages that are not there, some duplicate or missing
 * Message-IDs), missing, invalid and equal Date headers, display names plain, quoted and
 * encoded, and varied sizes and internal dates. Deterministic: the same list every run.
 */
export interface GeneratedMessage {
  raw: Buffer;
  flags: string[];
  internalDate: Date;
}

/** A small deterministic PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOPICS = [
  "Quarterly report",
  "lunch on friday",
  "Build failed",
  "Zebra crossing",
  "_underscore first",
  "ångström units",
  "Invoice 4711",
  "meeting notes",
  "[list] weekly digest",
  "Re",
  "a",
  "",
];

const LEADERS = [
  "",
  "",
  "Re: ",
  "RE: ",
  "re: ",
  "Fwd: ",
  "Fw: ",
  "[list] ",
  "[list] Re: ",
  "Re: [list] ",
  "Re: Re: ",
  "Fwd: Re: ",
];

const PEOPLE = [
  "Alice Example <alice@example.com>",
  '"Bob, the builder" <bob@example.org>',
  "=?UTF-8?Q?J=C3=B6rg_M=C3=BCller?= <joerg@example.de>",
  "carol@example.net",
  "<dave@example.com>",
  "Émile Zola <emile@example.fr>",
  "undisclosed-recipients:;",
  "zed@example.com (Zed in a comment)",
  "Aaron <zz-last@example.com>",
  "mallory@EXAMPLE.com",
];

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function rfc5322Date(d: Date, zoneMinutes: number): string {
  const local = new Date(d.getTime() + zoneMinutes * 60_000);
  const p = (n: number) => String(n).padStart(2, "0");
  const sign = zoneMinutes < 0 ? "-" : "+";
  const z = Math.abs(zoneMinutes);
  return `${DAYS[(local.getUTCDay() + 6) % 7]}, ${local.getUTCDate()} ${MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()} ${p(local.getUTCHours())}:${p(local.getUTCMinutes())}:${p(local.getUTCSeconds())} ${sign}${p(Math.floor(z / 60))}${p(z % 60)}`;
}

function subjectFor(rand: () => number, topic: string, reply: boolean): string | undefined {
  const roll = rand();
  if (topic === "" && roll < 0.5) return undefined;
  let s = `${reply ? LEADERS[2 + Math.floor(rand() * (LEADERS.length - 2))] : LEADERS[Math.floor(rand() * 2)]}${topic}`;
  if (roll > 0.9) s = `[Fwd: ${s}]`;
  else if (roll > 0.82) s = `${s} (fwd)`;
  else if (roll > 0.76) s = `${s.toUpperCase()}  `;
  if (rand() < 0.08) s = `=?UTF-8?B?${Buffer.from(s).toString("base64")}?=`;
  return s;
}

export function generateMessages(count = 300): GeneratedMessage[] {
  const rand = random(5256);
  const out: GeneratedMessage[] = [];
  /** Per topic: the Message-IDs and References of the messages so far. */
  const threads = new Map<string, Array<{ id: string; refs: string[] }>>();
  const base = Date.UTC(2024, 2, 1, 9, 0, 0);
  let lastDate = new Date(base);
  let prevId: string | undefined;
  for (let i = 0; i < count; i++) {
    const topic = TOPICS[Math.floor(rand() * TOPICS.length)]!;
    const earlier = threads.get(topic) ?? [];
    const reply = earlier.length > 0 && rand() < 0.7;
    const headers: string[] = [];
    // Dates: mostly ascending with noise, some equal to the previous one, some missing or invalid.
    const roll = rand();
    let date = new Date(base + i * 3_600_000 + Math.floor((rand() - 0.5) * 40) * 3_600_000);
    if (roll < 0.08) date = lastDate;
    lastDate = date;
    if (roll >= 0.08 && roll < 0.14) {
      // no Date header
    } else if (roll >= 0.14 && roll < 0.17) {
      headers.push("Date: not a date at all");
    } else {
      const zones = [0, 60, -300, 330, -480, 600];
      headers.push(`Date: ${rfc5322Date(date, zones[Math.floor(rand() * zones.length)]!)}`);
    }
    const from = PEOPLE[Math.floor(rand() * PEOPLE.length)]!;
    if (rand() > 0.05) headers.push(`From: ${from}`);
    if (rand() > 0.1) headers.push(`To: ${PEOPLE[Math.floor(rand() * PEOPLE.length)]!}`);
    if (rand() < 0.4) {
      headers.push(
        `Cc: ${PEOPLE[Math.floor(rand() * PEOPLE.length)]!}, ${PEOPLE[Math.floor(rand() * PEOPLE.length)]!}`,
      );
    }
    const subject = subjectFor(rand, topic, reply);
    if (subject !== undefined) headers.push(`Subject: ${subject}`);
    // Message-ID: mostly unique; a few missing, a few duplicating an earlier one.
    let id = `gen-${i}.${Math.floor(rand() * 1e6)}@example.test`;
    const idRoll = rand();
    if (idRoll < 0.03 && prevId !== undefined) id = prevId;
    if (idRoll >= 0.03 && idRoll < 0.06) {
      // none
    } else {
      headers.push(`Message-ID: <${id}>`);
    }
    let refs: string[] = [];
    if (reply) {
      const parent = earlier[Math.floor(rand() * earlier.length)]!;
      refs = [...parent.refs, parent.id];
      const how = rand();
      if (how < 0.1) refs = [`missing-${i}@example.test`, ...refs];
      if (how < 0.55) headers.push(`References: ${refs.map((r) => `<${r}>`).join("\r\n ")}`);
      if (how >= 0.35) headers.push(`In-Reply-To: <${refs[refs.length - 1]}>`);
    } else if (rand() < 0.06) {
      // A reply to something never seen: its parent is a dummy.
      refs = [`lost-${i}@example.test`];
      headers.push(`In-Reply-To: <${refs[0]}> (sent by someone)`);
    }
    prevId = id;
    earlier.push({ id, refs });
    threads.set(topic, earlier);
    headers.push("MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8");
    const body = `Message ${i} about ${topic}.\r\n${"lorem ipsum ".repeat(Math.floor(rand() * 60))}\r\n`;
    const flags: string[] = [];
    if (rand() < 0.4) flags.push("\\Seen");
    if (rand() < 0.15) flags.push("\\Flagged");
    // Internal dates: a few runs of equal ones.
    const internalDate = new Date(base + Math.floor(i / 3) * 600_000 + (i % 3 === 0 ? 0 : 1000 * (i % 5)));
    out.push({ raw: Buffer.from(`${headers.join("\r\n")}\r\n\r\n${body}`), flags, internalDate });
  }
  return out;
}
