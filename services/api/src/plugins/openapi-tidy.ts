/*
 * Post-processing of the generated OpenAPI document. fastify-type-provider-zod registers every
 * named schema twice, as the request (`XInput`) and the response form; most `XInput` are never
 * used, and where both forms are identical the twin only splits one wire type in two for a
 * generated client. Operations also need stable `operationId`s for generated clients.
 */

type Json = Record<string, unknown>;
const HTTP_METHODS = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
const REF_PREFIX = "#/components/schemas/";

/**
 * Operation ids clients are generated with (the SDK's types name operations by them); a route not
 * listed gets one made from its summary.
 */
const operationIds: Record<string, string> = {
  "get /healthz": "getHealth",
  "get /readyz": "getReadiness",
  "get /metrics": "getMetrics",
  "post /v1/runs": "createRun",
  "get /v1/runs": "listRuns",
  "get /v1/runs/{run}": "getRun",
  "delete /v1/runs/{run}": "deleteRun",
  "get /v1/runs/{run}/settings": "getRunSettings",
  "get /v1/runs/{run}/inboxes": "listInboxes",
  "get /v1/runs/{run}/inboxes/{address}/folders": "listFolders",
  "get /v1/runs/{run}/messages": "listMessages",
  "get /v1/runs/{run}/messages/wait": "waitForMessages",
  "post /v1/runs/{run}/messages/wait": "waitForMessagesByBody",
  "get /v1/runs/{run}/messages/{id}": "getMessage",
  "patch /v1/runs/{run}/messages/{id}": "updateMessage",
  "delete /v1/runs/{run}/messages/{id}": "deleteMessage",
  "get /v1/runs/{run}/messages/{id}/raw": "getMessageRaw",
  "get /v1/runs/{run}/messages/{id}/attachments/{n}": "getAttachment",
  "get /v1/runs/{run}/messages/{id}/html": "getMessageHtmlPage",
  "get /v1/runs/{run}/messages/{id}/extract": "extractFromMessage",
  "post /v1/runs/{run}/messages/{id}/assert": "assertMessage",
  "get /v1/runs/{run}/messages/{id}/checks/html": "checkMessageHtml",
  "post /v1/runs/{run}/messages/{id}/checks/links": "checkMessageLinks",
  "get /v1/runs/{run}/messages/{id}/checks/spam": "checkMessageSpam",
  "post /v1/runs/{run}/session": "openSession",
  "delete /v1/runs/{run}/session": "closeSession",
  "get /v1/runs/{run}/events": "streamEvents",
  "put /v1/runs/{run}/dns": "putDnsRecords",
  "get /v1/runs/{run}/dns": "getDnsRecords",
  "put /v1/runs/{run}/faults": "putFaults",
  "get /v1/runs/{run}/faults": "getFaults",
  "delete /v1/runs/{run}/faults": "clearFaults",
  "post /v1/runs/{run}/webhooks": "createWebhook",
  "get /v1/runs/{run}/webhooks": "listWebhooks",
  "delete /v1/runs/{run}/webhooks/{id}": "deleteWebhook",
  "get /v1/runs/{run}/webhooks/{id}/deliveries": "listWebhookDeliveries",
  "post /v1/runs/{run}/webhooks/{id}/deliveries/{delivery}/retry": "retryWebhookDelivery",
  "get /v1/runs/{run}/sessions": "listSessions",
  "get /v1/runs/{run}/sessions/{id}": "getSession",
};

/** `Create a run` -> `createARun`; `Extract by regular expression` -> `extractByRegularExpression`. */
function operationIdOf(summary: string): string {
  const words = summary.match(/[A-Za-z0-9]+/g) ?? [];
  return words
    .map((w, i) => (i === 0 ? w.toLowerCase() : w[0]?.toUpperCase() + w.slice(1).toLowerCase()))
    .join("");
}

function operations(doc: Json): Array<[key: string, op: Json]> {
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  return Object.entries(paths).flatMap(([path, ops]) =>
    Object.entries(ops)
      .filter(([method]) => HTTP_METHODS.has(method))
      .map(([method, op]): [string, Json] => [`${method} ${path}`, op]),
  );
}

function visitRefs(value: unknown, visit: (holder: Json) => void): void {
  if (Array.isArray(value)) for (const v of value) visitRefs(v, visit);
  else if (value && typeof value === "object") {
    const obj = value as Json;
    if (typeof obj.$ref === "string") visit(obj);
    for (const v of Object.values(obj)) visitRefs(v, visit);
  }
}

/** Same JSON apart from references to twins that are themselves collapsed. */
function canonical(value: unknown, alias: Map<string, string>): string {
  return JSON.stringify(value, (key, v) =>
    key === "$ref" && typeof v === "string"
      ? `${REF_PREFIX}${alias.get(v.slice(REF_PREFIX.length)) ?? v.slice(REF_PREFIX.length)}`
      : v,
  );
}

export function tidyDocument<T>(input: T): T {
  const doc = input as Json;
  for (const [key, op] of operations(doc)) {
    op.operationId ??=
      operationIds[key] ?? (typeof op.summary === "string" ? operationIdOf(op.summary) : undefined);
  }
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;

  // Collapse twins identical to their response form, until nothing changes (twins nest).
  const alias = new Map<string, string>();
  for (let changed = true; changed; ) {
    changed = false;
    for (const name of Object.keys(schemas)) {
      const base = name.endsWith("Input") ? name.slice(0, -"Input".length) : undefined;
      if (!base || alias.has(name) || !(base in schemas)) continue;
      if (canonical(schemas[name], alias) === canonical(schemas[base], alias)) {
        alias.set(name, base);
        changed = true;
      }
    }
  }
  visitRefs(doc, (holder) => {
    const target = alias.get(String(holder.$ref).slice(REF_PREFIX.length));
    if (target) holder.$ref = `${REF_PREFIX}${target}`;
  });
  for (const name of alias.keys()) delete schemas[name];

  // Drop request forms nothing refers to.
  const used = new Set<string>();
  const queue: unknown[] = [doc.paths];
  while (queue.length) {
    visitRefs(queue.pop(), (holder) => {
      const name = String(holder.$ref).slice(REF_PREFIX.length);
      if (!used.has(name)) {
        used.add(name);
        queue.push(schemas[name]);
      }
    });
  }
  for (const name of Object.keys(schemas)) {
    if (name.endsWith("Input") && !used.has(name)) delete schemas[name];
  }
  return input;
}
