export { type ServerProcess, startServerProcess } from "../../test/support/server-process.js";

export async function createRun(
  apiUrl: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; token: string; domain: string }> {
  const res = await fetch(`${apiUrl}/v1/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`POST /v1/runs: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; token: string; domain: string };
}
