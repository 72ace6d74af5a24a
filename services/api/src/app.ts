import fastifyCookie from "@fastify/cookie";
import { createMetrics } from "@sandmail/metrics";
import { LoginThrottle } from "@sandmail/runtime";
import { createWorkerPool } from "@sandmail/work";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
  LogController,
} from "fastify";
import { serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import { MessageChecks } from "./checks/message-checks.js";
import { liftQueryToken } from "./events/query-token.js";
import type { BuildAppOptions } from "./options.js";
import { registerOpenApi } from "./plugins/openapi.js";
import { installProblemHandlers } from "./plugins/problem.js";
import { installRequestMetrics } from "./plugins/request-metrics.js";
import { createRunAccess, isLoopback } from "./plugins/run-access.js";
import { assertRoutes } from "./routes/assert.js";
import { checkRoutes } from "./routes/checks.js";
import { dnsRoutes } from "./routes/dns.js";
import { eventRoutes } from "./routes/events.js";
import { extractRoutes } from "./routes/extract.js";
import { faultRoutes } from "./routes/faults.js";
import { healthRoutes } from "./routes/health.js";
import { htmlViewRoutes } from "./routes/html-view.js";
import { inboxRoutes } from "./routes/inboxes.js";
import { messageRoutes } from "./routes/messages.js";
import { metricsRoutes } from "./routes/metrics.js";
import { createRunRoutes, runRoutes } from "./routes/runs.js";
import { sessionRoutes } from "./routes/session.js";
import { transcriptRoutes } from "./routes/transcripts.js";
import { waitRoutes } from "./routes/wait.js";
import { webhookRoutes } from "./routes/webhooks.js";
import { isUiBuilt, uiRoutes } from "./ui/ui-routes.js";
import { ParsedMessages } from "./views/parsed-messages.js";
import { WebhookService } from "./webhooks/webhook-service.js";

type CompilersFactory = NonNullable<
  NonNullable<FastifyServerOptions["schemaController"]>["compilersFactory"]
>;

// fastify types its factories after ajv's and fast-json-stringify's compilers; zod's take the same
// route definition and answer a validator or serializer as fastify calls them.
const zodCompilers: CompilersFactory = {
  buildValidator: (() => validatorCompiler) as unknown as CompilersFactory["buildValidator"],
  buildSerializer: (() => serializerCompiler) as unknown as CompilersFactory["buildSerializer"],
};

/**
 * The REST API as a fastify instance, not listening yet (tests inject into it; server.ts or the
 * all-in-one process listens). Order: compilers and error handling, OpenAPI, then routes.
 */
export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, store, endpoints } = options;
  const logger: FastifyBaseLogger | undefined = options.logger || undefined;
  const app: FastifyInstance = Fastify({
    ...(logger ? { loggerInstance: logger } : { logger: false }),
    // Each request would otherwise log two info lines: too much for CI runs that read thousands of mails.
    logController: new LogController({ disableRequestLogging: true }),
    routerOptions: { ignoreTrailingSlash: true },
    // Every route validates and serializes through its zod schemas. Given as the factories (not
    // set afterwards), fastify never loads its defaults, ajv and fast-json-stringify, which would
    // add about a tenth to the server's start-up.
    schemaController: { compilersFactory: zodCompilers },
  });
  installProblemHandlers(app);
  const metrics = options.metrics ?? createMetrics();
  installRequestMetrics(app, metrics);
  await registerOpenApi(app);
  // Parses cookies only; the session cookie is checked by run authentication.
  await app.register(fastifyCookie);

  const access = createRunAccess({
    store,
    apiKey: config.SANDMAIL_API_KEY,
    loginThrottle: options.loginThrottle ?? new LoginThrottle(),
    loopbackBind: isLoopback(config.SANDMAIL_HOST),
  });
  // The pool is the caller's to close when it passed one in; one made here closes with the app.
  const work = options.work ?? createWorkerPool();
  if (!options.work) app.addHook("onClose", () => work.close());
  const parsed = new ParsedMessages(store, { work });
  const checks = new MessageChecks(config, work);
  // Every process serving the API also makes webhook deliveries (shared through BullMQ on Redis).
  const webhooks = await WebhookService.start(config, store, parsed, (err) =>
    app.log.warn({ err }, "webhook delivery step failed"),
  );
  app.addHook("onClose", () => webhooks.close());

  await app.register(healthRoutes, { store, ...(options.catchAll ? { catchAll: options.catchAll } : {}) });
  await app.register(metricsRoutes, { metrics });
  await app.register(uiRoutes(options.ui));
  await app.register(createRunRoutes, {
    config,
    store,
    access,
    endpoints,
    servesUi: isUiBuilt(options.ui),
  });
  await app.register(
    async (scope) => {
      // Every route below /v1/runs/{run} authenticates first, before its input is even validated.
      // Routes that opt in (the event stream, for browser EventSource) also take `?token=`.
      scope.addHook("onRequest", liftQueryToken);
      scope.addHook("onRequest", access.authenticateRun);
      await scope.register(runRoutes, { config, store, access, endpoints });
      await scope.register(inboxRoutes, { store, access });
      await scope.register(messageRoutes, { store, access, parsed });
      await scope.register(htmlViewRoutes, { store, access, parsed });
      await scope.register(sessionRoutes, { access });
      await scope.register(eventRoutes, {
        store,
        access,
        streams: metrics.apiEventStreams,
        maxPerRun: config.SANDMAIL_MAX_STREAMS_PER_RUN,
      });
      await scope.register(extractRoutes, { store, access, parsed });
      await scope.register(assertRoutes, { store, access, parsed, checks });
      await scope.register(checkRoutes, { store, access, parsed, checks });
      await scope.register(dnsRoutes, { store, access });
      await scope.register(faultRoutes, { store, access });
      await scope.register(webhookRoutes, { store, access, webhooks });
      await scope.register(transcriptRoutes, { store, access });
      await scope.register(waitRoutes, { config, store, access, parsed, waits: metrics.apiWaits });
    },
    { prefix: "/v1/runs/:run" },
  );
  return app;
}
