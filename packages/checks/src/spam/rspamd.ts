import { loadUndici } from "../links/undici.js";
import type { SpamEngine, SpamReport, SpamRule } from "./types.js";

export interface RspamdOptions {
  /** The normal worker's address, e.g. http://127.0.0.1:11333 */
  url: string;
  timeoutMs?: number;
  password?: string;
}

interface RspamdSymbol {
  name?: string;
  score?: number;
  description?: string;
}

interface RspamdAnswer {
  score?: number;
  required_score?: number;
  action?: string;
  is_skipped?: boolean;
  symbols?: Record<string, RspamdSymbol>;
}

/** rspamd's HTTP protocol: POST the message to /checkv2, read the JSON verdict. */
export function rspamdEngine({ url, timeoutMs = 30_000, password }: RspamdOptions): SpamEngine {
  const endpoint = new URL("/checkv2", url);
  return {
    name: "rspamd",
    async check(raw) {
      const { request } = await loadUndici();
      const res = await request(endpoint, {
        method: "POST",
        body: raw,
        headers: { "content-type": "message/rfc822", ...(password ? { password } : {}) },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      if (res.statusCode !== 200) throw new Error(`rspamd answered ${res.statusCode}: ${text.slice(0, 200)}`);
      return parseRspamdAnswer(JSON.parse(text) as RspamdAnswer);
    },
  };
}

export function parseRspamdAnswer(answer: RspamdAnswer): SpamReport {
  if (typeof answer.score !== "number" || typeof answer.required_score !== "number") {
    throw new Error("rspamd's answer has no score");
  }
  const rules: SpamRule[] = Object.entries(answer.symbols ?? {})
    .map(([name, symbol]) => ({
      name: symbol.name ?? name,
      score: symbol.score ?? 0,
      description: symbol.description ?? "",
    }))
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  // rspamd decides by action; "no action" and "greylist" deliver, anything else does not.
  const delivered =
    answer.action === undefined || answer.action === "no action" || answer.action === "greylist";
  return {
    score: answer.score,
    threshold: answer.required_score,
    isSpam: answer.action === undefined ? answer.score >= answer.required_score : !delivered,
    rules,
  };
}
