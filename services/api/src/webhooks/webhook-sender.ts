import { describeRequestFailure, guardedAgent, loadUndici, type UrlPolicy } from "@sandmail/checks";
import { Webhook as Signer } from "standardwebhooks";
import type { Agent } from "undici";

export interface SendResult {
  ok: boolean;
  responseStatus: number | null;
  durationMs: number;
  error: string | null;
}

/**
 * POSTs signed deliveries. Signing follows Standard Webhooks through its own library: headers
 * `webhook-id`, `webhook-timestamp` and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "{id}.{timestamp}.{body}">`. The connection checks resolved addresses against the policy, so
 * a name pointing at a link-local address is refused at connect time. Bodies are not read past
 * what undici needs to free the socket.
 */
export class WebhookSender {
  /** Made at the first delivery: a server whose runs have no webhooks never loads undici. */
  #agent: Promise<Agent> | undefined;

  constructor(
    private readonly policy: UrlPolicy,
    private readonly timeoutMs: number,
  ) {}

  async send(url: string, secret: string, messageId: string, body: string): Promise<SendResult> {
    const started = performance.now();
    const done = (responseStatus: number | null, error: string | null): SendResult => ({
      ok: responseStatus !== null && responseStatus >= 200 && responseStatus < 300,
      responseStatus,
      durationMs: Math.round(performance.now() - started),
      error,
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return done(null, "not a valid URL");
    }
    const refused = refuseTarget(this.policy, target);
    if (refused) return done(null, refused);
    const timestamp = new Date();
    let signature: string;
    try {
      signature = new Signer(secret).sign(messageId, timestamp, body);
    } catch (err) {
      return done(null, `cannot sign: ${errorText(err)}`);
    }
    try {
      this.#agent ??= guardedAgent(this.policy, this.timeoutMs);
      const [{ request }, dispatcher] = await Promise.all([loadUndici(), this.#agent]);
      const res = await request(target, {
        method: "POST",
        dispatcher,
        headers: {
          "content-type": "application/json",
          "user-agent": "sandmail-webhooks",
          "webhook-id": messageId,
          "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
          "webhook-signature": signature,
        },
        body,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      // Drain without keeping: the status is the answer.
      res.body.resume();
      return done(res.statusCode, null);
    } catch (err) {
      return done(null, describeRequestFailure(err, this.timeoutMs));
    }
  }

  async close(): Promise<void> {
    await (await this.#agent)?.close();
  }
}

/** Why a webhook may not target this URL (scheme, link-local host, allow list), or undefined. */
export function refuseTarget(policy: UrlPolicy, url: URL): string | undefined {
  if (url.protocol !== "http:" && url.protocol !== "https:") return "only http and https URLs";
  if (url.username || url.password) return "credentials in the URL are not allowed";
  const refused = policy.refuseHost(url.hostname);
  return refused ? `${url.hostname}: ${refused}` : undefined;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
