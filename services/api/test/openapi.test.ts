import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, makeApp, type TestApp } from "./helpers.js";

type Operation = {
  summary?: string;
  parameters?: Array<{ in: string; name: string }>;
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
};

const routes: Array<[string, string]> = [
  ["post", "/v1/runs"],
  ["get", "/v1/runs"],
  ["get", "/v1/runs/{run}"],
  ["delete", "/v1/runs/{run}"],
  ["get", "/v1/runs/{run}/inboxes"],
  ["get", "/v1/runs/{run}/messages"],
  ["get", "/v1/runs/{run}/messages/wait"],
  ["post", "/v1/runs/{run}/messages/wait"],
  ["get", "/v1/runs/{run}/messages/{id}"],
  ["patch", "/v1/runs/{run}/messages/{id}"],
  ["delete", "/v1/runs/{run}/messages/{id}"],
  ["get", "/v1/runs/{run}/messages/{id}/raw"],
  ["get", "/v1/runs/{run}/messages/{id}/attachments/{n}"],
  ["get", "/v1/runs/{run}/messages/{id}/extract"],
  ["post", "/v1/runs/{run}/messages/{id}/assert"],
  ["get", "/v1/runs/{run}/messages/{id}/checks/html"],
  ["post", "/v1/runs/{run}/messages/{id}/checks/links"],
  ["get", "/v1/runs/{run}/messages/{id}/checks/spam"],
  ["put", "/v1/runs/{run}/dns"],
  ["get", "/v1/runs/{run}/dns"],
  ["put", "/v1/runs/{run}/faults"],
  ["get", "/v1/runs/{run}/faults"],
  ["delete", "/v1/runs/{run}/faults"],
  ["post", "/v1/runs/{run}/webhooks"],
  ["get", "/v1/runs/{run}/webhooks"],
  ["delete", "/v1/runs/{run}/webhooks/{id}"],
  ["get", "/v1/runs/{run}/webhooks/{id}/deliveries"],
  ["post", "/v1/runs/{run}/webhooks/{id}/deliveries/{delivery}/retry"],
  ["get", "/v1/runs/{run}/sessions"],
  ["get", "/v1/runs/{run}/sessions/{id}"],
  ["get", "/v1/runs/{run}/events"],
  ["get", "/v1/runs/{run}/settings"],
  ["get", "/v1/runs/{run}/inboxes/{address}/folders"],
  ["get", "/v1/runs/{run}/messages/{id}/html"],
  ["post", "/v1/runs/{run}/session"],
  ["delete", "/v1/runs/{run}/session"],
  ["get", "/healthz"],
  ["get", "/readyz"],
  ["get", "/metrics"],
];

/** Every `$ref` in the document, so each can be checked to resolve. */
function refs(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, out);
  else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "$ref" && typeof v === "string") out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe("OpenAPI document and docs", () => {
  let t: TestApp;
  let base: string;
  let doc: {
    openapi: string;
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, unknown> };
  };

  beforeAll(async () => {
    t = await makeApp();
    base = await listen(t.app);
    const res = await fetch(`${base}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    doc = JSON.parse(await res.text());
  });
  afterAll(() => t.close());

  it("is an OpenAPI 3.1 document naming every route, and nothing internal", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const [method, path] of routes) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m} ${path}`),
    );
    expect(documented.sort()).toEqual(routes.map(([m, p]) => `${m} ${p}`).sort());
  });

  it("documents parameters, success and problem responses of every route", () => {
    for (const [method, path] of routes) {
      const op = doc.paths[path]![method]!;
      expect(op.summary, `${method} ${path}`).toBeTruthy();
      for (const name of path.match(/\{(\w+)\}/g) ?? []) {
        expect(
          op.parameters?.some((p) => p.in === "path" && `{${p.name}}` === name),
          `${path} ${name}`,
        ).toBe(true);
      }
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2")),
        `${method} ${path}`,
      ).toBe(true);
      if (path.includes("{run}")) {
        for (const s of ["401", "404"]) {
          expect(
            op.responses[s]?.content?.["application/problem+json"],
            `${method} ${path} ${s}`,
          ).toBeDefined();
        }
      }
    }
    expect(doc.paths["/v1/runs/{run}/messages"]!.get!.parameters?.map((p) => p.name)).toEqual(
      expect.arrayContaining(["inbox", "mailbox", "limit", "cursor"]),
    );
    expect(doc.paths["/v1/runs/{run}/messages/{id}"]!.patch!.requestBody).toMatchObject({ required: true });
    // Creating a run works without any body.
    expect(doc.paths["/v1/runs"]!.post!.requestBody).toMatchObject({ required: false });
    expect(doc.paths["/v1/runs/{run}/messages/{id}/raw"]!.get!.responses["200"]!.content).toHaveProperty(
      "message/rfc822",
    );
  });

  it("names every operation once, and carries no unused request twin of a schema", () => {
    const ids = Object.values(doc.paths).flatMap((ops) =>
      Object.values(ops).map((op) => (op as { operationId?: string }).operationId),
    );
    expect(
      ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id)),
      ids.join(" "),
    ).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths["/v1/runs"]!.post).toMatchObject({ operationId: "createRun" });
    const used = new Set(refs(doc.paths).map((r) => r.replace("#/components/schemas/", "")));
    for (const name of refs(doc.components).map((r) => r.replace("#/components/schemas/", "")))
      used.add(name);
    const twins = Object.keys(doc.components.schemas).filter((n) => n.endsWith("Input"));
    for (const twin of twins) expect(used.has(twin), `${twin} is unused`).toBe(true);
    // The twins left differ from their response form (defaults, transforms), or have none.
    expect(twins.length).toBeLessThan(5);
  });

  it("every $ref resolves, and the shared schemas carry descriptions and examples", () => {
    for (const ref of refs(doc)) {
      const name = ref.replace("#/components/schemas/", "");
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
    const problem = JSON.stringify(doc.components.schemas.Problem);
    expect(problem).toContain("run_not_found");
    expect(problem).toContain("examples");
    expect(JSON.stringify(doc.components.schemas.CreatedRun)).toContain("description");
  });

  it("/docs serves Swagger UI as HTML", async () => {
    const res = await fetch(`${base}/docs`, { redirect: "follow" });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toMatch(/swagger/i);
  });
});
