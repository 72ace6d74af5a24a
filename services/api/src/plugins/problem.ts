import { type ErrorCode, isSandmailError } from "@sandmail/core";
import { MatcherError } from "@sandmail/matcher";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors, ResponseSerializationError } from "fastify-type-provider-zod";
import type { ProblemBody } from "../schemas/problem.js";

const titles: Record<ErrorCode, string> = {
  run_not_found: "Run not found",
  run_exists: "Run already exists",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  message_not_found: "Message not found",
  mailbox_not_found: "Mailbox not found",
  mailbox_exists: "Mailbox already exists",
  mailbox_protected: "Mailbox is protected",
  quota_exceeded: "Run is full",
  storage_full: "Server storage is full",
  too_many_runs: "Too many runs",
  too_many_waits: "Too many open waits",
  too_many_streams: "Too many open event streams",
  invalid_request: "Invalid request",
  unsupported_pattern: "Pattern not supported",
  store_unavailable: "Store unavailable",
  wait_timeout: "Wait timed out",
  too_many_requests: "Too many requests",
  unexpected_message: "Unexpected message",
  not_found: "Not found",
  check_not_configured: "Check not configured",
  check_failed: "Check failed",
  webhook_not_found: "Webhook not found",
  delivery_not_found: "Delivery not found",
  webhook_target_refused: "Webhook target refused",
  session_not_found: "Session not found",
  internal: "Internal error",
};

// Members a SandmailError's details may not overwrite.
const reserved = new Set(["type", "title", "status", "code", "detail", "instance", "errors"]);

function problemBody(
  code: ErrorCode,
  status: number,
  detail: string,
  instance: string,
  extra: Record<string, unknown> = {},
): ProblemBody {
  const body: ProblemBody = {
    type: `urn:sandmail:problem:${code}`,
    title: titles[code],
    status,
    code,
    detail,
    instance,
  };
  for (const [key, value] of Object.entries(extra)) if (!reserved.has(key)) body[key] = value;
  if (Array.isArray(extra.errors)) body.errors = extra.errors as ProblemBody["errors"];
  return body;
}

function instanceOf(request: FastifyRequest): string {
  // The path only: query strings may hold values the caller would not want echoed into logs.
  return request.url.split("?")[0] ?? request.url;
}

function sendProblem(reply: FastifyReply, body: ProblemBody): FastifyReply {
  if (body.status === 401) reply.header("www-authenticate", 'Bearer realm="sandmail"');
  if (typeof body.retryAfterSeconds === "number") reply.header("retry-after", String(body.retryAfterSeconds));
  // Serialized here, not by a route's response schema: an error answer must never fail to serialize.
  return reply
    .code(body.status)
    .type("application/problem+json; charset=utf-8")
    .serializer(JSON.stringify)
    .send(body);
}

function validationProblem(err: FastifyError, instance: string): ProblemBody | undefined {
  if (!hasZodFastifySchemaValidationErrors(err)) return undefined;
  const where = (err.validationContext ?? "body") as "body" | "querystring" | "params" | "headers";
  const errors = err.validation.map((v) => ({
    in: where,
    path: v.instancePath.replace(/^\//, "").replaceAll("/", "."),
    message: v.message ?? "invalid",
  }));
  const listed = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join("; ");
  // A pattern RE2 cannot run has its own code, so a client knows to rewrite it rather than fix the call.
  const unsupported = err.validation.every(
    (v) => (v.params as { params?: { code?: string } } | undefined)?.params?.code === "unsupported_pattern",
  );
  const code: ErrorCode = unsupported ? "unsupported_pattern" : "invalid_request";
  return problemBody(code, 400, `invalid ${where}: ${listed}`, instance, { errors });
}

/** Any thrown value -> problem details. Internal failures say nothing about their cause. */
function toProblem(err: unknown, instance: string): ProblemBody {
  if (isSandmailError(err)) {
    const detail = err.status >= 500 && err.code === "internal" ? "internal error" : err.message;
    return problemBody(err.code, err.status, detail, instance, err.details);
  }
  if (err instanceof MatcherError) return problemBody(err.code, 400, err.message, instance);
  if (err instanceof ResponseSerializationError)
    return problemBody("internal", 500, "internal error", instance);
  const fastifyErr = err as FastifyError;
  const validation = validationProblem(fastifyErr, instance);
  if (validation) return validation;
  const status = typeof fastifyErr?.statusCode === "number" ? fastifyErr.statusCode : 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode = status === 404 ? "not_found" : "invalid_request";
    return problemBody(code, status, String(fastifyErr.message || "bad request"), instance);
  }
  return problemBody("internal", 500, "internal error", instance);
}

/** The one error handler and the not-found handler: every failure becomes problem+json. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, request, reply) => {
    const body = toProblem(err, instanceOf(request));
    if (body.status >= 500) request.log.error({ err }, "request failed");
    else request.log.debug({ code: body.code, detail: body.detail }, "request refused");
    return sendProblem(reply, body);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      problemBody("not_found", 404, `no route ${request.method} ${instanceOf(request)}`, instanceOf(request)),
    ),
  );
}
