import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import { jsonSchemaTransform, jsonSchemaTransformObject } from "fastify-type-provider-zod";
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

/**
 * The OpenAPI document, built from the routes' zod schemas, at GET /openapi.json, and Swagger UI
 * at /docs. Must be registered before the routes so that it sees them.
 */
export async function registerOpenApi(app: FastifyInstance): Promise<void> {
  const registered: RegisteredRoute[] = [];
  app.addHook("onRoute", (route) => {
    const hidden = route.schema?.hide === true || (route as { hide?: boolean }).hide === true;
    for (const method of [route.method].flat()) registered.push({ method, url: route.url, hidden });
  });
  app.decorate("registeredRoutes", () => registered.map((r) => ({ ...r })));
  await app.register(swagger, {
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
  });
  await app.register(swaggerUi, { routePrefix: "/docs" });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}
