import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listen, makeApp, type TestApp } from "./helpers.js";

type Schema = Record<string, unknown>;
type Parameter = { in: string; name: string; description?: string; schema?: Schema };
type Media = { schema?: Schema; example?: unknown; examples?: unknown };
type Operation = {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { description?: string; content?: Record<string, Media> }>;
};
type Document = {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, Schema> };
};

/** fastify's `/v1/runs/:run` as OpenAPI's `/v1/runs/{run}`. */
const openApiPath = (url: string) => url.replace(/:(\w+)/g, "{$1}");
const isJson = (type: string) => /^application\/(.+\+)?json/.test(type);

describe("the OpenAPI document covers every registered route", () => {
  let t: TestApp;
  let doc: Document;
  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ at: `${method} ${path}`, path, op })),
    );

  /** Whether the schema or anything it refers to carries an example. */
  function hasExample(value: unknown, seen = new Set<unknown>()): boolean {
    if (!value || typeof value !== "object" || seen.has(value)) return false;
    seen.add(value);
    const node = value as Schema;
    if ("example" in node || "examples" in node) return true;
    if (typeof node.$ref === "string")
      return hasExample(doc.components.schemas[node.$ref.split("/").pop()!], seen);
    return Object.values(node).some((v) => hasExample(v, seen));
  }

  beforeAll(async () => {
    t = await makeApp();
    const base = await listen(t.app);
    doc = (await (await fetch(`${base}/openapi.json`)).json()) as Document;
  });
  afterAll(() => t.close());

  it("is valid against the OpenAPI 3.1 schema", async () => {
    expect(doc.openapi).toBe("3.1.0");
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("lists every route fastify registered, and hides only the document and the docs' own assets", () => {
    const registered = t.app.registeredRoutes().filter((r) => r.method !== "HEAD");
    expect(registered.length).toBeGreaterThan(10);
    const visible = registered
      .filter((r) => !r.hidden)
      .map((r) => `${r.method.toLowerCase()} ${openApiPath(r.url)}`);
    const documented = operations().map((o) => o.at);
    expect([...documented].sort()).toEqual([...new Set(visible)].sort());
    for (const r of registered.filter((r) => r.hidden)) {
      // The web UI's pages (and the redirect to them) are not part of the API.
      expect(r.url, "hidden route").toMatch(/^\/(openapi\.json$|docs(\/|$)|ui(\/|$)|$)/);
    }
    // HEAD answers only exist for GETs (fastify adds them); the event stream opts out.
    const heads = t.app.registeredRoutes().filter((r) => r.method === "HEAD");
    for (const h of heads) expect(registered.some((r) => r.method === "GET" && r.url === h.url)).toBe(true);
    expect(heads.some((h) => h.url.endsWith("/events"))).toBe(false);
  });

  it("every operation is described, with examples on its JSON bodies and answers", () => {
    const bodiesWithoutExample: string[] = [];
    for (const { at, path, op } of operations()) {
      expect(op.summary, at).toBeTruthy();
      expect(op.tags?.length, at).toBeGreaterThan(0);
      for (const p of op.parameters ?? []) expect(p.description, `${at} ${p.in} ${p.name}`).toBeTruthy();
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {})) {
        if (isJson(type) && !hasExample(media)) bodiesWithoutExample.push(at);
      }
      const statuses = Object.keys(op.responses);
      expect(
        statuses.some((s) => s.startsWith("2")),
        at,
      ).toBe(true);
      for (const [status, response] of Object.entries(op.responses)) {
        expect(response.description, `${at} ${status}`).toBeTruthy();
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (status.startsWith("2") && isJson(type))
            expect(hasExample(media), `${at} ${status} ${type}`).toBe(true);
        }
      }
      if (path.startsWith("/v1/runs/{run}")) {
        expect(op.security, at).toEqual(expect.arrayContaining([{ runToken: [] }]));
        for (const s of ["401", "404"])
          expect(op.responses[s]?.content?.["application/problem+json"], `${at} ${s}`).toBeDefined();
      }
    }
    // Listed together, so one run names every request body still lacking an example.
    expect(bodiesWithoutExample).toEqual([]);
  });

  it("documents the event stream: text/event-stream, resumption, the query token and the event shapes", () => {
    const op = doc.paths["/v1/runs/{run}/events"]?.get;
    expect(op).toBeDefined();
    expect(Object.keys(op!.responses["200"]!.content!)).toEqual(["text/event-stream"]);
    expect(hasExample(op!.responses["200"])).toBe(true);
    const params = (op!.parameters ?? []).map((p) => `${p.in}:${p.name}`);
    expect(params).toEqual(
      expect.arrayContaining([
        "query:after",
        "query:types",
        "query:inbox",
        "header:last-event-id",
        "path:run",
      ]),
    );
    // `?token=` is documented by its security scheme (which @fastify/swagger lifts out of the parameters).
    for (const p of op!.parameters ?? []) expect(hasExample(p), `${p.in} ${p.name}`).toBe(true);
    expect(op!.security).toEqual([{ runToken: [] }, { runTokenQuery: [] }]);
    expect(doc.components.securitySchemes.runTokenQuery).toMatchObject({
      type: "apiKey",
      in: "query",
      name: "token",
    });
    const data = JSON.stringify(doc.components.schemas.StreamEventData);
    for (const type of [
      "message.added",
      "message.flags",
      "message.moved",
      "message.expunged",
      "run.deleted",
      "reset",
    ]) {
      expect(data).toContain(type);
    }
    // Other routes do not take the token in the query.
    for (const { at, op: other } of operations()) {
      if (at !== "get /v1/runs/{run}/events")
        expect(JSON.stringify(other.security ?? [])).not.toContain("runTokenQuery");
    }
  });
});
