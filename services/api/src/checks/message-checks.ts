import {
  checkLinks,
  type EmailClient,
  type HtmlCheck,
  type LinkResult,
  parseSpamdAddress,
  parseUrlPolicy,
  resolveClients,
  rspamdEngine,
  type SpamEngine,
  type SpamReport,
  scanHtml,
  spamdEngine,
} from "@sandmail/checks";
import { type Config, SandmailError } from "@sandmail/core";
import type { ParsedMessage } from "@sandmail/mime";
import { type WorkerPool, WorkTimeoutError } from "@sandmail/work";
import { type CheckResults, htmlKey } from "../assert/checks.js";
import type { AssertionInput } from "../schemas/assert.js";
import { messageContent } from "../views/parsed-messages.js";

type CheckConfig = Pick<
  Config,
  | "SANDMAIL_SPAMD"
  | "SANDMAIL_RSPAMD_URL"
  | "SANDMAIL_LINK_CHECK_ALLOW"
  | "SANDMAIL_LINK_CHECK_TIMEOUT_MS"
  | "SANDMAIL_CHECK_TIMEOUT_MS"
>;

/** Parses `?clients=` into caniemail clients, or a 400 naming what is not a client. */
export function clientsFromQuery(value: string | undefined): EmailClient[] {
  const { clients, unknown } = resolveClients(value?.split(","));
  if (unknown.length > 0) {
    throw new SandmailError(
      "invalid_request",
      `unknown email client ${unknown.map((u) => JSON.stringify(u)).join(", ")}: use a family such as gmail, outlook, ` +
        "apple-mail, yahoo, or family.platform such as outlook.windows",
    );
  }
  return clients;
}

/**
 * The three message checks behind the API: HTML compatibility (in a worker thread: caniemail's
 * checker takes seconds on large inline-styled markup), link health and the spam score.
 */
export class MessageChecks {
  readonly #policy;
  readonly #spam: SpamEngine | undefined;
  // A decoded message never changes; its HTML check is kept as long as the decode is cached.
  readonly #html = new WeakMap<ParsedMessage, Map<string, Promise<HtmlCheck>>>();

  constructor(
    private readonly config: CheckConfig,
    private readonly work: WorkerPool,
  ) {
    this.#policy = parseUrlPolicy(config.SANDMAIL_LINK_CHECK_ALLOW);
    if (config.SANDMAIL_SPAMD) this.#spam = spamdEngine(parseSpamdAddress(config.SANDMAIL_SPAMD));
    else if (config.SANDMAIL_RSPAMD_URL) this.#spam = rspamdEngine({ url: config.SANDMAIL_RSPAMD_URL });
  }

  html(parsed: ParsedMessage, clients: EmailClient[]): Promise<HtmlCheck> {
    let byClients = this.#html.get(parsed);
    if (!byClients) {
      byClients = new Map();
      this.#html.set(parsed, byClients);
    }
    const key = clients.join(",");
    let pending = byClients.get(key);
    if (!pending) {
      const parts = { html: parsed.html ?? "", ...(parsed.text ? { text: parsed.text } : {}) };
      pending = this.work
        .run("checkHtml", { parts, clients }, { timeoutMs: this.config.SANDMAIL_CHECK_TIMEOUT_MS })
        .catch((err: unknown) => {
          byClients?.delete(key);
          if (err instanceof WorkTimeoutError) {
            throw new SandmailError(
              "check_failed",
              `the HTML check took longer than ${err.timeoutMs} ms and was stopped`,
            );
          }
          throw err;
        });
      byClients.set(key, pending);
    }
    return pending;
  }

  /** The message's links (and images), http(s) only: other schemes are not fetchable. */
  urls(parsed: ParsedMessage, images: boolean): string[] {
    const urls = new Set(messageContent(parsed).links.map((link) => link.url));
    if (images && parsed.html) for (const image of scanHtml(parsed.html).images) urls.add(image.src);
    return [...urls].filter((url) => /^https?:\/\//i.test(url));
  }

  links(urls: string[]): Promise<LinkResult[]> {
    return checkLinks(urls, { policy: this.#policy, timeoutMs: this.config.SANDMAIL_LINK_CHECK_TIMEOUT_MS });
  }

  async spam(raw: Buffer): Promise<SpamReport & { engine: SpamEngine["name"] }> {
    const engine = this.#spam;
    if (!engine) {
      throw new SandmailError(
        "check_not_configured",
        "no spam engine is configured: set SANDMAIL_SPAMD=host:port (SpamAssassin's spamd) or " +
          "SANDMAIL_RSPAMD_URL=http://host:11333 (rspamd)",
      );
    }
    try {
      return { engine: engine.name, ...(await engine.check(raw)) };
    } catch (err) {
      throw new SandmailError("check_failed", err instanceof Error ? err.message : String(err));
    }
  }

  /** Runs, once each and side by side, the checks that `assertions` look at. */
  async forAssertions(
    assertions: readonly AssertionInput[],
    parsed: ParsedMessage,
    raw: () => Promise<Buffer | undefined>,
  ): Promise<CheckResults | undefined> {
    const htmlClients = new Map<string, EmailClient[]>();
    const linkModes = new Set<boolean>();
    let spam = false;
    for (const a of assertions) {
      if (a.type === "html") htmlClients.set(htmlKey(a), clientsFromQuery(a.clients?.join(",")));
      else if (a.type === "links") linkModes.add(a.images ?? false);
      else if (a.type === "spam") spam = true;
    }
    if (htmlClients.size === 0 && linkModes.size === 0 && !spam) return undefined;
    const results: CheckResults = { html: new Map(), links: new Map() };
    await Promise.all([
      ...[...htmlClients].map(async ([key, clients]) => {
        results.html.set(key, await this.html(parsed, clients));
      }),
      ...[...linkModes].map(async (images) => {
        results.links.set(images, await this.links(this.urls(parsed, images)));
      }),
      spam &&
        raw().then(async (bytes) => {
          if (!bytes) throw new SandmailError("message_not_found", "the message is gone");
          results.spam = await this.spam(bytes);
        }),
    ]);
    return results;
  }
}
