import { type HeaderField, SIGNING_TRACE_FIELDS } from "./header-fields.js";
import type { AuthContext, AuthResults } from "./types.js";

type Remembered = Omit<AuthResults, "received">;

/**
 * Authentication results of unsigned mail for one set of DNS records (a run's). Without a
 * signature, SPF, DKIM, DMARC and ARC depend only on the envelope sender, the client address,
 * the HELO name, the From header and the records, so test mail from one sender repeats one
 * answer: remember it instead of asking mailauth and formatting the header again. The caller
 * keeps one memo per run and drops it when the run's records change; answers that depended on a
 * failing or unfinished lookup (temperror, permerror) are never remembered.
 */
export class UnsignedAuthMemo {
  readonly #answers = new Map<string, Remembered>();

  constructor(private readonly maxEntries = 1000) {}

  /** The memo key of an unsigned message, or undefined when the message carries a signature. */
  keyOf(ctx: AuthContext, fields: readonly HeaderField[]): string | undefined {
    let from = "";
    for (const f of fields) {
      if (SIGNING_TRACE_FIELDS.has(f.name)) return undefined;
      if (f.name === "from") from += `${f.value}\n`;
    }
    return `${ctx.mta}\n${ctx.ip}\n${ctx.helo}\n${ctx.mailFrom}\n${from}`;
  }

  get(key: string): Remembered | undefined {
    return this.#answers.get(key);
  }

  remember(key: string, results: AuthResults): void {
    const values = [
      results.spf?.result,
      results.dmarc?.result,
      results.arc?.result,
      ...results.dkim.map((d) => d.result),
    ];
    if (values.some((v) => v === "temperror" || v === "permerror")) return;
    // Bounded: a flood of distinct senders simply stops being remembered.
    if (this.#answers.size >= this.maxEntries) return;
    const { received: _received, ...rest } = results;
    this.#answers.set(key, rest);
  }
}
