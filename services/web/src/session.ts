import { api, runPath } from "./api.js";

export interface Credentials {
  run: string;
  token: string;
}

/**
 * `#run=<id>&token=<token>` from a run's link, or a whole link pasted into the run field. The
 * fragment never reaches a server; the page clears it as soon as it has read it.
 */
export function parseCredentials(text: string): Credentials | undefined {
  const hash = text.includes("#") ? text.slice(text.indexOf("#") + 1) : text;
  const params = new URLSearchParams(hash);
  const run = params.get("run");
  const token = params.get("token");
  return run && token ? { run, token } : undefined;
}

/** Reads and removes the token from the address bar, leaving `#/r/<run>` (no secret) behind. */
export function takeCredentialsFromUrl(): Credentials | undefined {
  const found = parseCredentials(location.hash.slice(1));
  if (found) history.replaceState(null, "", `${location.pathname}#/r/${encodeURIComponent(found.run)}`);
  return found;
}

/** Trades the token for the run's HttpOnly session cookie; the token is not kept anywhere. */
export async function openSession({ run, token }: Credentials): Promise<void> {
  await api(runPath(run, "/session"), { method: "POST", headers: { authorization: `Bearer ${token}` } });
  rememberRun(run);
}

export async function closeSession(run: string): Promise<void> {
  await api(runPath(run, "/session"), { method: "DELETE" }).catch(() => {});
  forgetRun(run);
}

// Run ids only (never tokens): the runs this browser has opened, for switching between them.
const KNOWN = "sandmail.runs";

export function knownRuns(): string[] {
  try {
    const list = JSON.parse(localStorage.getItem(KNOWN) ?? "[]") as unknown;
    return Array.isArray(list) ? list.filter((x): x is string => typeof x === "string") : [];
  } catch {
    return [];
  }
}

function rememberRun(run: string): void {
  localStorage.setItem(KNOWN, JSON.stringify([run, ...knownRuns().filter((r) => r !== run)].slice(0, 20)));
}

function forgetRun(run: string): void {
  localStorage.setItem(KNOWN, JSON.stringify(knownRuns().filter((r) => r !== run)));
}
