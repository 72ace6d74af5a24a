import type { SwaggerOptions } from "@fastify/swagger";
import Fastify, { type FastifyInstance, type FastifySchema, type HTTPMethods } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
import { lazyApp } from "./lazy-app.js";
import { tidyDocument } from "./openapi-tidy.js";

/** Security requirement of run-scoped routes (the run token, or the API key as admin). */
export const runSecurity: Array<Record<string, string[]>> = [{ runToken: [] }];
/** Security requirement of admin routes; only enforced when SANDMAIL_API_KEY is set. */
export const adminSecurity: Array<Record<string, string[]>> = [{ apiKey: [] }, {}];

// Bodies that may be left out entirely; @fastify/swagger marks every request body as required.
const optionalBodies: Array<[path: string, method: string]> = [["/v1/runs", "post"]];

type OpenApiDocument = ReturnType<typeof jsonSchemaTransformObject>;

function markOptionalBodies(doc: OpenApiDocument): OpenApiDocument {
  const paths = (doc as { paths?: Record<string, Record<string, { requestBody?: { required?: boolean } }>> })
    .paths;
  for (const [path, method] of optionalBodies) {
    const body = paths?.[path]?.[method]?.requestBody;
    if (body) body.required = false;
  }
  return doc;
}

/** A route as registered with fastify; lets a test check the document lists every one. */
interface RegisteredRoute {
  method: string;
  url: string;
  /** Left out of the document on purpose (`schema.hide`, e.g. /openapi.json and the docs' assets). */
  hidden: boolean;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route registered after the OpenAPI plugin, HEAD routes included. */
    registeredRoutes(): RegisteredRoute[];
  }
}

/** What the document needs of a route: it is re-declared, without its handler, on the docs' instance. */
interface DocumentedRoute {
  method: HTTPMethods | HTTPMethods[];
  url: string;
  schema: FastifySchema | undefined;
}

const swaggerOptions: SwaggerOptions = {
  openapi: {
    openapi: "3.1.0",
    info: {
      title: "sandmail",
      version: "1.0.0",
      description:
        "Disposable test inboxes. Create a run, send mail to any address at its domain over SMTP, read it back here. " +
        "Run-scoped calls take `Authorization: Bearer <run token>`. Errors are application/problem+json with a stable `code`.",
    },
    tags: [
      { name: "runs", description: "Isolated namespaces for one test run." },
      { name: "messages", description: "Mail received by a run." },
      { name: "events", description: "Server-sent events of a run's changes, resumable." },
      {
        name: "checks",
        description: "Checks of one message: HTML client compatibility, link health, spam score.",
      },
      {
        name: "webhooks",
        description: "Signed HTTP callbacks (Standard Webhooks) when a run's mail arrives or changes.",
      },
      { name: "health", description: "Liveness and readiness." },
    ],
    components: {
      securitySchemes: {
        runToken: { type: "http", scheme: "bearer", description: "The run's token (or the API key)." },
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "SANDMAIL_API_KEY, when the server sets one.",
        },
        runTokenQuery: {
          type: "apiKey",
          in: "query",
          name: "token",
          description:
            "The run's token as `?token=`; only where a route says so (the event stream, for EventSource).",
        },
      },
    },
  },
  transform: jsonSchemaTransform,
  transformObject: (input) => tidyDocument(markOptionalBodies(jsonSchemaTransformObject(input))),
};

/**
 * The docs' own instance: @fastify/swagger and Swagger UI over the API's routes re-declared with
 * their schemas only (never called, so nothing validates or serializes there).
 */
async function docsApp(routes: readonly DocumentedRoute[]): Promise<FastifyInstance> {
  const [{ default: swagger }, { default: swaggerUi }] = await Promise.all([
    import("@fastify/swagger"),
    import("@fastify/swagger-ui"),
  ]);
  const docs = Fastify({ logger: false, routerOptions: { ignoreTrailingSlash: true } });
  docs.setValidatorCompiler(() => () => true);
  docs.setSerializerCompiler(() => (data) => JSON.stringify(data));
  await docs.register(swagger, swaggerOptions);
  await docs.register(swaggerUi, { routePrefix: "/docs" });
  const unused = async () => undefined;
  for (const { method, url, schema } of routes)
    docs.route({ method, url, exposeHeadRoute: false, ...(schema ? { schema } : {}), handler: unused });
  return docs;
}

/**
 * The OpenAPI document, built from the routes' zod schemas, at GET /openapi.json, and Swagger UI
 * at /docs. Must be registered before the routes so that it sees them. Both are made on the first
 * request for them (see lazyApp): building the document is a large part of building the API, and
 * a server in CI is ready sooner without it.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const registered: RegisteredRoute[] = [];
  const documented: DocumentedRoute[] = [];
  app.addHook("onRoute", (route) => {
    const hidden = route.schema?.hide === true || (route as { hide?: boolean }).hide === true;
    for (const method of [route.method].flat()) registered.push({ method, url: route.url, hidden });
    // HEAD routes are fastify's own twins of GETs, which the docs' instance makes again.
    const methods = [route.method].flat().filter((m) => m !== "HEAD");
    if (!hidden && methods.length > 0)
      documented.push({ method: methods, url: route.url, schema: route.schema });
  });
  app.decorate("registeredRoutes", () => registered.map((r) => ({ ...r })));
  const docs = lazyApp(() => docsApp(documented));
  app.addHook("onClose", () => docs.close());
  app.get("/openapi.json", { schema: { hide: true } }, async () => (await docs.instance()).swagger());
  app.get("/docs", { schema: { hide: true } }, docs.forward);
  app.get("/docs/*", { schema: { hide: true } }, docs.forward);
}
