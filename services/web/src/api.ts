import type { Problem } from "./wire.js";

/** A refused API call, with the problem's stable `code`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The run's API prefix; every call the page makes is scoped to it (and its session cookie). */
export const runPath = (run: string, rest = "") => `/v1/runs/${encodeURIComponent(run)}${rest}`;

/**
 * One call to the public API. The session cookie rides along (same origin); the browser adds the
 * Origin header the server wants for changes.
 */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const res = await fetch(path, {
    credentials: "same-origin",
    ...rest,
    headers: {
      accept: "application/json",
      ...(json !== undefined ? { "content-type": "application/json" } : {}),
      ...(rest.headers ?? {}),
    },
    ...(json !== undefined ? { body: JSON.stringify(json) } : {}),
  });
  if (!res.ok) {
    let problem: Partial<Problem> = {};
    try {
      problem = (await res.json()) as Problem;
    } catch {
      // not a problem document
    }
    throw new ApiError(res.status, problem.code ?? "http_error", problem.detail ?? `HTTP ${res.status}`);
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get("content-type") ?? "";
  return (type.includes("json") ? await res.json() : await res.text()) as T;
}
