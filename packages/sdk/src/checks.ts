import { type RunContext, runPath } from "./context.js";

/** How well one email client supports a feature. */
export type ClientSupport = "yes" | "partial" | "no";

export interface FeatureWarning {
  /** caniemail's feature slug (`css-display-flex`), or `sandmail-...` for sandmail's own template checks. */
  feature: string;
  title: string;
  /** The caniemail.com page; null for sandmail's own checks. */
  url: string | null;
  /** The checked clients that do not fully support it (`outlook.windows: "no"`). */
  support: Record<string, ClientSupport>;
  count: number;
}

export interface HtmlCheck {
  /** 0-100; 100 when every checked client supports everything the message uses. */
  score: number;
  clients: string[];
  warnings: FeatureWarning[];
}

export interface LinkCheck {
  ok: boolean;
  links: Array<{
    url: string;
    status: number | null;
    finalUrl: string | null;
    redirects: Array<{ url: string; status: number }>;
    durationMs: number;
    error: string | null;
  }>;
}

export interface SpamCheck {
  engine: "spamassassin" | "rspamd";
  score: number;
  threshold: number;
  isSpam: boolean;
  rules: Array<{ name: string; score: number; description: string }>;
}

/** The server's checks of one message: HTML client compatibility, link health, spam score. */
export class MessageChecks {
  readonly #ctx: RunContext;
  readonly #path: string;

  constructor(ctx: RunContext, messageId: string) {
    this.#ctx = ctx;
    this.#path = runPath(ctx, `/messages/${encodeURIComponent(messageId)}/checks`);
  }

  /** HTML and CSS features some of `clients` (families like `outlook`, or `outlook.windows`) do not support. */
  html(options: { clients?: string[] } = {}): Promise<HtmlCheck> {
    return this.#ctx.http.json<HtmlCheck>({
      method: "GET",
      path: `${this.#path}/html`,
      token: this.#ctx.token,
      ...(options.clients?.length ? { query: { clients: options.clients.join(",") } } : {}),
    });
  }

  /** Fetches every link (and with `images`, every image) and reports status and redirects. */
  links(options: { images?: boolean } = {}): Promise<LinkCheck> {
    return this.#ctx.http.json<LinkCheck>({
      method: "POST",
      path: `${this.#path}/links`,
      token: this.#ctx.token,
      ...(options.images ? { query: { images: "true" } } : {}),
    });
  }

  /** The configured spam engine's verdict; the server answers 501 when none is configured. */
  spam(): Promise<SpamCheck> {
    return this.#ctx.http.json<SpamCheck>({
      method: "GET",
      path: `${this.#path}/spam`,
      token: this.#ctx.token,
    });
  }
}
