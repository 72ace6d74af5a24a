import { loadConfig } from "@sandmail/core";
import { type LoginThrottle, selfSignedTls, silentLogger, type TlsMaterial } from "@sandmail/runtime";
import type { MailStore } from "@sandmail/store";
import { type Sandbox, type ServiceName, startSandbox } from "sandmail";

let tls: Promise<TlsMaterial> | undefined;

export interface TestRun {
  id: string;
  token: string;
  domain: string;
  address(local: string): string;
}

export interface TestSandbox extends Sandbox {
  apiUrl: string;
  /** POST /v1/runs over HTTP. */
  createRun(body?: Record<string, unknown>): Promise<TestRun>;
  /** fetch against the API with the run's token. */
  api(run: { token: string } | undefined, path: string, init?: RequestInit): Promise<Response>;
}

/** The all-in-one server on free ports, as `pnpm start` runs it, for end-to-end tests. */
export async function startTestSandbox(
  env: Record<string, string> = {},
  options: { store?: MailStore; services?: ServiceName[]; loginThrottle?: LoginThrottle } = {},
): Promise<TestSandbox> {
  tls ??= selfSignedTls();
  const config = loadConfig({
    SANDMAIL_SMTP_PORT: "0",
    SANDMAIL_SMTPS_PORT: "0",
    SANDMAIL_IMAP_PORT: "0",
    SANDMAIL_IMAPS_PORT: "0",
    SANDMAIL_POP3_PORT: "0",
    SANDMAIL_POP3S_PORT: "0",
    SANDMAIL_API_PORT: "0",
    SANDMAIL_LOG_LEVEL: "silent",
    ...env,
  });
  const sandbox = await startSandbox({
    config,
    logger: silentLogger(),
    tls: await tls,
    ...(options.store ? { store: options.store } : {}),
    ...(options.services ? { services: options.services } : {}),
    ...(options.loginThrottle ? { loginThrottle: options.loginThrottle } : {}),
  });
  const apiUrl = `http://127.0.0.1:${sandbox.ports.api}`;
  const api = (run: { token: string } | undefined, path: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (run) headers.set("authorization", `Bearer ${run.token}`);
    return fetch(`${apiUrl}${path}`, { ...init, headers });
  };
  return {
    ...sandbox,
    apiUrl,
    api,
    async createRun(body: Record<string, unknown> = {}) {
      const res = await fetch(`${apiUrl}/v1/runs`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          ...(env.SANDMAIL_API_KEY ? { authorization: `Bearer ${env.SANDMAIL_API_KEY}` } : {}),
        },
        body: JSON.stringify(body),
      });
      if (res.status !== 201) throw new Error(`POST /v1/runs -> ${res.status}: ${await res.text()}`);
      const run = (await res.json()) as { id: string; token: string; domain: string };
      return { ...run, address: (local: string) => `${local}@${run.domain}` };
    },
  };
}
