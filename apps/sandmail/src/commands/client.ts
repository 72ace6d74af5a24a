import { type Run, Sandmail } from "@sandmail/sdk";
import { UsageError } from "./client-options.js";

/**
 * --url, else SANDMAIL_URL, else the API port the server was started with (SANDMAIL_API_PORT, as a
 * CI job that sets it for `sandmail serve` has it too) on this machine; else the SDK's default.
 */
function urlFrom(values: Record<string, unknown>, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const url = (values.url as string | undefined) ?? env.SANDMAIL_URL;
  if (url) return url;
  const port = env.SANDMAIL_API_PORT;
  return port ? `http://127.0.0.1:${port}` : undefined;
}

export function clientFrom(values: Record<string, unknown>): Sandmail {
  const url = urlFrom(values);
  const apiKey = values["api-key"] as string | undefined;
  return new Sandmail({ ...(url ? { url } : {}), ...(apiKey ? { apiKey } : {}) });
}

/** The run named by --run/--token or SANDMAIL_RUN/SANDMAIL_TOKEN (the `run create --env` exports). */
export async function runFrom(values: Record<string, unknown>): Promise<Run> {
  const id = (values.run as string | undefined) ?? process.env.SANDMAIL_RUN;
  const token = (values.token as string | undefined) ?? process.env.SANDMAIL_TOKEN;
  if (!id || !token) {
    throw new UsageError(
      'which run? pass --run and --token, or set SANDMAIL_RUN and SANDMAIL_TOKEN (`eval "$(sandmail run create --env)"`)',
    );
  }
  return clientFrom(values).run(id, token);
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
