import type { ErrorCode } from "@sandmail/core";
import { z } from "zod";

const errorCodes = [
  "run_not_found",
  "run_exists",
  "unauthorized",
  "forbidden",
  "message_not_found",
  "mailbox_not_found",
  "mailbox_exists",
  "mailbox_protected",
  "quota_exceeded",
  "storage_full",
  "too_many_runs",
  "too_many_waits",
  "too_many_streams",
  "invalid_request",
  "unsupported_pattern",
  "store_unavailable",
  "wait_timeout",
  "too_many_requests",
  "unexpected_message",
  "not_found",
  "check_not_configured",
  "check_failed",
  "webhook_not_found",
  "delivery_not_found",
  "webhook_target_refused",
  "session_not_found",
  "internal",
] as const satisfies readonly ErrorCode[];

// Fails to compile when core gains a code this list does not name.
type MissingCodes = Exclude<ErrorCode, (typeof errorCodes)[number]>;
const _everyCodeListed: MissingCodes extends never ? true : never = true;
void _everyCodeListed;

export const ProblemField = z
  .object({
    in: z.enum(["body", "querystring", "params", "headers"]).describe("Which part of the request was wrong."),
    path: z.string().describe("Dotted path of the bad field within that part; empty for the part itself."),
    message: z.string(),
  })
  .meta({ id: "ProblemField" });

/** RFC 9457 problem details, the body of every error response. */
export const Problem = z
  .looseObject({
    type: z.string().describe("URI naming the kind of problem; one per `code`."),
    title: z.string().describe("Short, human-readable summary of the kind of problem."),
    status: z.number().int().describe("The HTTP status code."),
    code: z.enum(errorCodes).describe("Stable machine-readable error code; branch on this."),
    detail: z.string().describe("What went wrong with this request."),
    instance: z.string().describe("The request path the problem occurred on."),
    errors: z.array(ProblemField).optional().describe("For `invalid_request`: each bad field."),
  })
  .describe("An error, as application/problem+json (RFC 9457). Extra members may carry details.")
  .meta({
    id: "Problem",
    examples: [
      {
        type: "urn:sandmail:problem:run_not_found",
        title: "Run not found",
        status: 404,
        code: "run_not_found",
        detail: "run k3x9q2m7za not found",
        instance: "/v1/runs/k3x9q2m7za/messages",
      },
    ],
  });

export type ProblemBody = z.infer<typeof Problem>;

const statusText: Record<number, string> = {
  400: "The request is invalid.",
  401: "Missing or wrong bearer token.",
  403: "Not allowed with these credentials or from here.",
  404: "No such run, message or route (or not visible with this token).",
  409: "Conflicts with the current state.",
  429: "Too many attempts (or requests) from this address; retry after the Retry-After seconds.",
  503: "The mail store is unreachable.",
  501: "The check needs an engine this server was not configured with.",
  502: "The engine behind the check failed or did not answer.",
  507: "The run is full, the server's memory budget is used up, or it holds its maximum of runs.",
};

/** Response entries documenting problem+json answers for the given statuses. */
export function problemResponses<S extends number>(...statuses: S[]) {
  const out = {} as Record<
    S,
    { description: string; content: { "application/problem+json": { schema: typeof Problem } } }
  >;
  for (const status of statuses) {
    out[status] = {
      description: statusText[status] ?? "Error.",
      content: { "application/problem+json": { schema: Problem } },
    };
  }
  return out;
}

/** The 429 of a per-run cap (open waits, event streams): its own description and stable code. */
export function tooManyResponse(code: "too_many_waits" | "too_many_streams", description: string) {
  return {
    429: {
      description: `${description} Answered as problem+json with code \`${code}\` and the cap in \`limit\`.`,
      content: { "application/problem+json": { schema: Problem } },
    },
  };
}
