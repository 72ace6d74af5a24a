import { SandmailError } from "./errors.js";
import { type FetchLike, HttpClient } from "./http.js";
import { type Backoff, DEFAULT_BACKOFF } from "./retry.js";
import { type CreatedRun, Run, runFromCreated } from "./run.js";
import type { CreatedRunData, RunInfo, RunListItem } from "./types.js";

export const DEFAULT_URL = "http://127.0.0.1:8025";

export interface SandmailOptions {
  /** The API's base URL. Default: SANDMAIL_URL, else http://127.0.0.1:8025. */
  url?: string;
  /** Sent when creating runs, for servers that set SANDMAIL_API_KEY. Default: SANDMAIL_API_KEY. */
  apiKey?: string;
  /** A fetch implementation (default: Node's global fetch). */
  fetch?: FetchLike;
  /** Further attempts after a transient network failure or a 502/503 answer (default 3). */
  retries?: number;
  /** Delay before the first retry and the cap of any delay, in ms (default 100 and 2000). */
  backoff?: Partial<Backoff>;
}

export interface CreateRunOptions {
  /** How long the run and its mail live, in seconds (server default 1 hour). */
  ttl?: number;
  /** Free text to recognise the run by, e.g. the test or CI job name. */
  label?: string;
}

function env(name: string): string | undefined {
  // Read through globalThis so the SDK also loads where there is no `process` (edge runtimes).
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[
    name
  ];
  return value === "" ? undefined : value;
}

/** The client: creates runs and attaches to existing ones. */
export class Sandmail {
  /** The API's base URL, without a trailing slash. */
  readonly url: string;
  readonly #http: HttpClient;
  readonly #apiKey: string | undefined;

  constructor(options: SandmailOptions = {}) {
    const url = options.url ?? env("SANDMAIL_URL") ?? DEFAULT_URL;
    if (!URL.canParse(url)) {
      throw new SandmailError({ code: "invalid_url", detail: `not a URL: ${JSON.stringify(url)}` });
    }
    const fetchImpl = options.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (!fetchImpl) {
      throw new SandmailError({ code: "no_fetch", detail: "no global fetch here: pass options.fetch" });
    }
    this.#http = new HttpClient({
      baseUrl: url,
      fetch: fetchImpl,
      retries: Math.max(0, Math.floor(options.retries ?? 3)),
      backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    });
    this.url = this.#http.baseUrl;
    this.#apiKey = options.apiKey ?? env("SANDMAIL_API_KEY");
  }

  /** Creates an isolated run. Dispose of it with `await using` or `run.delete()`. */
  async createRun(options: CreateRunOptions = {}): Promise<CreatedRun> {
    const data = await this.#http.json<CreatedRunData>({
      method: "POST",
      path: "/v1/runs",
      token: this.#apiKey,
      body: {
        ...(options.ttl !== undefined ? { ttlSeconds: options.ttl } : {}),
        ...(options.label !== undefined ? { label: options.label } : {}),
      },
    });
    return runFromCreated(this.#http, data);
  }

  /**
   * Every live run with its counts and token, newest first: the operator's view. Needs the API key
   * when the server sets one; a server without a key answers only on a loopback bind.
   */
  async listRuns(): Promise<RunListItem[]> {
    const data = await this.#http.json<{ runs: RunListItem[] }>({
      method: "GET",
      path: "/v1/runs",
      token: this.#apiKey,
    });
    return data.runs;
  }

  /**
   * Attaches to an existing run (one made by another process, or `sandmail run create` in a CI
   * step), checking the token on the way. Default: SANDMAIL_RUN and SANDMAIL_TOKEN. Its `smtp`
   * settings are unknown: the server hands those out only when the run is created.
   */
  async run(id = env("SANDMAIL_RUN"), token = env("SANDMAIL_TOKEN")): Promise<Run> {
    if (!id || !token) {
      throw new SandmailError({
        code: "invalid_request",
        detail: "sandmail.run(id, token) needs a run id and its token (or SANDMAIL_RUN and SANDMAIL_TOKEN)",
      });
    }
    const info = await this.#http.json<RunInfo>({
      method: "GET",
      path: `/v1/runs/${encodeURIComponent(id)}`,
      token,
    });
    return new Run(this.#http, { ...info, token });
  }
}
