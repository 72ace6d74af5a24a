import { ConnectionError, errorFromResponse, type Problem } from "./errors.js";
import {
  type Backoff,
  backoffDelay,
  isTransientNetworkError,
  networkErrorSummary,
  sleep,
  TRANSIENT_STATUSES,
} from "./retry.js";

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface HttpOptions {
  baseUrl: string;
  fetch: FetchLike;
  /** Further attempts after a transient failure. */
  retries: number;
  backoff: Backoff;
}

export type Query = Record<string, string | string[] | number | boolean | undefined>;

export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** Bearer token: the run token, or the API key for creating runs. */
  token?: string | undefined;
  query?: Query;
  /** JSON body; a function is called again for each attempt (a retried wait sends what time is left). */
  body?: unknown | (() => unknown);
  /** No retry is started at or after this time (ms since epoch): a wait is never retried past its timeout. */
  retryUntil?: number;
  signal?: AbortSignal | undefined;
  /** The Accept header, when not JSON (a plain-text transcript). */
  accept?: string;
}

/** fetch with problem+json errors mapped onto error classes and transient failures retried. */
export class HttpClient {
  readonly baseUrl: string;
  readonly #options: HttpOptions;

  constructor(options: HttpOptions) {
    this.#options = options;
    this.baseUrl = options.baseUrl.replace(/\/+$/, "");
  }

  async json<T>(spec: RequestSpec): Promise<T> {
    const res = await this.#send(spec);
    try {
      return (await res.json()) as T;
    } catch (cause) {
      throw new ConnectionError({
        status: res.status,
        code: "bad_response",
        detail: "the server's answer is not valid JSON",
        request: label(spec),
        cause,
      });
    }
  }

  async text(spec: RequestSpec): Promise<string> {
    const res = await this.#send(spec);
    return res.text();
  }

  async bytes(spec: RequestSpec): Promise<Uint8Array> {
    const res = await this.#send(spec);
    return new Uint8Array(await res.arrayBuffer());
  }

  async empty(spec: RequestSpec): Promise<void> {
    const res = await this.#send(spec);
    await res.body?.cancel();
  }

  async #send(spec: RequestSpec): Promise<Response> {
    const { retries, backoff } = this.#options;
    for (let attempt = 0; ; attempt++) {
      const canRetry = (delay: number) =>
        attempt < retries && (spec.retryUntil === undefined || Date.now() + delay < spec.retryUntil);
      let res: Response;
      try {
        res = await this.#options.fetch(this.#url(spec), this.#init(spec));
      } catch (err) {
        const delay = backoffDelay(attempt, backoff);
        if (isTransientNetworkError(err) && canRetry(delay)) {
          await sleep(delay, spec.signal);
          continue;
        }
        if (!isTransientNetworkError(err) && !(err instanceof TypeError)) throw err;
        throw new ConnectionError({
          code: "network_error",
          detail: `cannot reach ${this.baseUrl}: ${networkErrorSummary(err)}${attempt ? ` (after ${attempt + 1} attempts)` : ""}`,
          request: label(spec),
          cause: err,
        });
      }
      if (res.ok) return res;
      if (TRANSIENT_STATUSES.has(res.status)) {
        const delay = Math.max(backoffDelay(attempt, backoff), retryAfterMs(res, backoff));
        if (canRetry(delay)) {
          await res.body?.cancel();
          await sleep(delay, spec.signal);
          continue;
        }
      }
      throw await problemError(res, spec);
    }
  }

  #url(spec: RequestSpec): string {
    const url = new URL(this.baseUrl + spec.path);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      for (const one of Array.isArray(value) ? value : [value]) {
        if (one !== undefined) url.searchParams.append(key, String(one));
      }
    }
    return url.toString();
  }

  #init(spec: RequestSpec): RequestInit {
    const headers: Record<string, string> = {
      accept: spec.accept ?? "application/json, application/problem+json, */*",
    };
    if (spec.token) headers.authorization = `Bearer ${spec.token}`;
    const init: RequestInit = { method: spec.method, headers };
    const body = typeof spec.body === "function" ? (spec.body as () => unknown)() : spec.body;
    if (body !== undefined) {
      headers["content-type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    if (spec.signal) init.signal = spec.signal;
    return init;
  }
}

function label(spec: RequestSpec): string {
  return `${spec.method} ${spec.path}`;
}

// A server that names its own pause knows better than our backoff, within reason.
function retryAfterMs(res: Response, backoff: Backoff): number {
  const seconds = Number(res.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, backoff.maxMs) : 0;
}

async function problemError(res: Response, spec: RequestSpec) {
  const text = await res.text().catch(() => "");
  let problem: Problem | undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) problem = parsed as Problem;
  } catch {
    // Not problem+json (a proxy's HTML page, say): the status and the text still say enough.
  }
  const fallback = text.trim().slice(0, 200) || res.statusText || `HTTP ${res.status}`;
  return errorFromResponse(res.status, problem, label(spec), fallback);
}
