import { type Config, loadConfig, type Run } from "@sandmail/core";
import { indexMessage } from "@sandmail/mime";
import type { LoginThrottle } from "@sandmail/runtime";
import { type MailStore, MemoryStore } from "@sandmail/store";
import type { FastifyInstance } from "fastify";
import { buildApp, type UiOptions } from "../src/index.js";
import type { Endpoints } from "../src/options.js";

export interface TestApp {
  app: FastifyInstance;
  store: MailStore;
  config: Config;
  close(): Promise<void>;
}

export const endpoints: Endpoints = { host: "mail.local", smtpPort: 2525, smtpsPort: 4650 };

export async function makeApp(
  env: Record<string, string> = {},
  options: { endpoints?: Endpoints; store?: MailStore; loginThrottle?: LoginThrottle; ui?: UiOptions } = {},
): Promise<TestApp> {
  const config = loadConfig(env);
  const store = options.store ?? new MemoryStore();
  const app = await buildApp({
    config,
    store,
    endpoints: options.endpoints ?? endpoints,
    ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
    ...(options.ui ? { ui: options.ui } : {}),
  });
  await app.ready();
  return {
    app,
    store,
    config,
    close: async () => {
      await app.close();
      if (!options.store) await store.close();
    },
  };
}

export interface Created {
  id: string;
  token: string;
  domain: string;
}

/** Creates a run through the API, as a client would. */
export async function createRun(
  app: FastifyInstance,
  body: object = {},
  headers: Record<string, string> = {},
) {
  const res = await app.inject({ method: "POST", url: "/v1/runs", payload: body, headers });
  if (res.statusCode !== 201) throw new Error(`create run failed: ${res.statusCode} ${res.body}`);
  return res.json() as Created;
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface MailSpec {
  to?: string;
  from?: string;
  subject?: string;
  text?: string;
  html?: string;
  attachments?: Array<{ filename: string; contentType: string; content: Buffer }>;
  extraHeaders?: string[];
}

/** A small RFC 5322 message with CRLF line endings. */
export function buildRaw(spec: MailSpec): Buffer {
  const to = spec.to ?? "alice@example.test";
  const headers = [
    `From: ${spec.from ?? '"Shop" <no-reply@shop.example>'}`,
    `To: ${to}`,
    `Subject: ${spec.subject ?? "Hello"}`,
    "Date: Sun, 01 Mar 2026 12:00:00 +0000",
    `Message-ID: <${Math.random().toString(36).slice(2)}@shop.example>`,
    "MIME-Version: 1.0",
    ...(spec.extraHeaders ?? []),
  ];
  const text = spec.text ?? "Hello there";
  const atts = spec.attachments ?? [];
  if (atts.length === 0 && spec.html === undefined) {
    return Buffer.from([...headers, "Content-Type: text/plain; charset=utf-8", "", text, ""].join("\r\n"));
  }
  const boundary = "b-sandmail-test";
  const alt = "b-sandmail-alt";
  const body =
    spec.html === undefined
      ? ["Content-Type: text/plain; charset=utf-8", "", text]
      : [
          `Content-Type: multipart/alternative; boundary="${alt}"`,
          "",
          `--${alt}`,
          "Content-Type: text/plain; charset=utf-8",
          "",
          text,
          `--${alt}`,
          "Content-Type: text/html; charset=utf-8",
          "",
          spec.html,
          `--${alt}--`,
        ];
  const parts = [
    [`--${boundary}`, ...body].join("\r\n"),
    ...atts.map((a) =>
      [
        `--${boundary}`,
        `Content-Type: ${a.contentType}; name="${a.filename}"`,
        `Content-Disposition: attachment; filename="${a.filename}"`,
        "Content-Transfer-Encoding: base64",
        "",
        a.content.toString("base64"),
      ].join("\r\n"),
    ),
  ];
  return Buffer.from(
    [
      ...headers,
      `Content-Type: multipart/mixed; boundary="${boundary}"`,
      "",
      ...parts,
      `--${boundary}--`,
      "",
    ].join("\r\n"),
  );
}

/** Stores a message straight into the store, as SMTP ingest would. */
export async function seed(
  store: MailStore,
  run: Pick<Run, "id"> | Created,
  spec: MailSpec = {},
  raw?: Buffer,
) {
  const bytes = raw ?? buildRaw(spec);
  const to = spec.to ?? `alice@${run.id}.sandmail.test`;
  return store.appendMessage(run.id, {
    address: to,
    raw: bytes,
    meta: indexMessage(bytes),
    envelope: {
      mailFrom: "bounce@shop.example",
      rcptTo: [to],
      clientAddress: "127.0.0.1",
      helo: "mail.shop.example",
      tls: false,
    },
  });
}

/** Listens on a free port on loopback; returns the base URL. */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: "127.0.0.1", port: 0 });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("no TCP address");
  return `http://127.0.0.1:${address.port}`;
}

/** Asserts the RFC 9457 shape every error answer has; returns the parsed body. */
export function problemOf(res: { statusCode: number; headers: Record<string, unknown>; body: string }) {
  const type = String(res.headers["content-type"]);
  if (!type.startsWith("application/problem+json")) {
    throw new Error(`expected application/problem+json, got ${type}: ${res.body}`);
  }
  const body = JSON.parse(res.body) as {
    type: string;
    title: string;
    status: number;
    code: string;
    detail: string;
    instance: string;
    errors?: Array<{ in: string; path: string; message: string }>;
  };
  for (const key of ["type", "title", "code", "detail", "instance"] as const) {
    if (typeof body[key] !== "string" || body[key].length === 0)
      throw new Error(`problem lacks ${key}: ${res.body}`);
  }
  if (body.status !== res.statusCode) throw new Error(`problem status ${body.status} != ${res.statusCode}`);
  if (/\bat .+:\d+:\d+/.test(res.body)) throw new Error(`problem leaks a stack trace: ${res.body}`);
  return body;
}
