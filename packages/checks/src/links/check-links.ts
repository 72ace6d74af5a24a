import type { Agent } from "undici";
import { guardedAgent, Refused } from "./guarded-agent.js";
import { describeRequestFailure, isTimeout } from "./request-failure.js";
import { loadUndici } from "./undici.js";
import type { UrlPolicy } from "./url-policy.js";

export interface Redirect {
  url: string;
  status: number;
}

export interface LinkResult {
  url: string;
  /** The last HTTP status seen; null when no answer came (refused, timeout, DNS, policy). */
  status: number | null;
  /** Where the redirects ended; null when no answer came. */
  finalUrl: string | null;
  /** Every redirect answer, in order. */
  redirects: Redirect[];
  durationMs: number;
  /** Why the link is not healthy beyond its status (timeout, redirect loop, refused ...); null when it answered. */
  error: string | null;
}

export interface LinkCheckOptions {
  policy: UrlPolicy;
  /** Per request. */
  timeoutMs?: number;
  maxRedirects?: number;
  concurrency?: number;
}

const DEFAULTS = { timeoutMs: 5_000, maxRedirects: 5, concurrency: 4 };

/** True for a link worth reporting as broken: no answer, or a 4xx/5xx at the end of its redirects. */
export function isBroken(result: LinkResult): boolean {
  return result.error !== null || result.status === null || result.status >= 400;
}

/**
 * Fetches each URL (HEAD, then GET when HEAD is refused or fails), following up to `maxRedirects`
 * redirects and reporting the chain; at most `concurrency` at once. Bodies are never read.
 * Host names are checked against the policy before the request and their resolved addresses
 * again at connect time, so DNS cannot point an allowed name at a metadata service.
 */
export async function checkLinks(urls: readonly string[], options: LinkCheckOptions): Promise<LinkResult[]> {
  const { policy } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const maxRedirects = options.maxRedirects ?? DEFAULTS.maxRedirects;
  const concurrency = Math.max(1, options.concurrency ?? DEFAULTS.concurrency);
  const agent = await guardedAgent(policy, timeoutMs);
  try {
    const results: LinkResult[] = new Array(urls.length);
    let next = 0;
    const worker = async () => {
      while (next < urls.length) {
        const index = next++;
        results[index] = await checkOne(urls[index] as string, { agent, policy, timeoutMs, maxRedirects });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, urls.length) }, worker));
    return results;
  } finally {
    await agent.close();
  }
}

interface OneOptions {
  agent: Agent;
  policy: UrlPolicy;
  timeoutMs: number;
  maxRedirects: number;
}

async function checkOne(
  url: string,
  { agent, policy, timeoutMs, maxRedirects }: OneOptions,
): Promise<LinkResult> {
  const started = performance.now();
  const redirects: Redirect[] = [];
  const done = (status: number | null, finalUrl: string | null, error: string | null): LinkResult => ({
    url,
    status,
    finalUrl,
    redirects,
    durationMs: Math.round(performance.now() - started),
    error,
  });
  let current: URL;
  try {
    current = new URL(url);
  } catch {
    return done(null, null, "not a valid URL");
  }
  const seen = new Set<string>();
  for (;;) {
    if (current.protocol !== "http:" && current.protocol !== "https:") {
      return done(redirects.at(-1)?.status ?? null, current.href, `not an http(s) URL: ${current.protocol}`);
    }
    const refused = policy.refuseHost(current.hostname);
    if (refused) return done(null, null, `${current.hostname}: ${refused}`);
    seen.add(current.href);
    let status: number;
    let location: string | undefined;
    try {
      ({ status, location } = await probe(current, agent, timeoutMs));
    } catch (err) {
      return done(null, null, describeRequestFailure(err, timeoutMs));
    }
    if (status >= 300 && status < 400 && location !== undefined) {
      redirects.push({ url: current.href, status });
      let target: URL;
      try {
        target = new URL(location, current);
      } catch {
        return done(status, current.href, `invalid redirect Location: ${location}`);
      }
      if (seen.has(target.href)) return done(status, target.href, "redirect loop");
      if (redirects.length > maxRedirects)
        return done(status, target.href, `more than ${maxRedirects} redirects`);
      current = target;
      continue;
    }
    return done(status, current.href, null);
  }
}

/** HEAD first; GET when HEAD is not allowed, fails, or answers an error (some servers mishandle HEAD). */
async function probe(
  url: URL,
  agent: Agent,
  timeoutMs: number,
): Promise<{ status: number; location?: string }> {
  let head: { status: number; location?: string } | undefined;
  try {
    head = await once(url, "HEAD", agent, timeoutMs);
    if (head.status < 400) return head;
  } catch (err) {
    if (err instanceof Refused || isTimeout(err)) throw err;
  }
  try {
    return await once(url, "GET", agent, timeoutMs);
  } catch (err) {
    if (head) return head;
    throw err;
  }
}

async function once(url: URL, method: "HEAD" | "GET", agent: Agent, timeoutMs: number) {
  // A timer of our own rather than AbortSignal.timeout(): that one would fire after the answer
  // came and abort a finished request, surfacing as an error nobody listens to.
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new TimeoutError(timeoutMs)), timeoutMs);
  try {
    const { request } = await loadUndici();
    const res = await request(url, {
      method,
      dispatcher: agent,
      signal: controller.signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      headers: { "user-agent": "sandmail-link-check/1", accept: "*/*" },
    });
    // The body is never needed: drop it without reading.
    res.body.on("error", () => {});
    res.body.destroy();
    const location = res.headers.location;
    return { status: res.statusCode, location: Array.isArray(location) ? location[0] : location };
  } finally {
    clearTimeout(timer);
  }
}

class TimeoutError extends Error {
  override readonly name = "TimeoutError";
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
  }
}
