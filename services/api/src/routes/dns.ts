import type { DnsRecord } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { runSecurity } from "../plugins/openapi.js";
import type { RunAccess } from "../plugins/run-access.js";
import { RunParams } from "../schemas/common.js";
import { DnsRecords, PutDnsBody } from "../schemas/dns.js";
import { problemResponses } from "../schemas/problem.js";
import { json } from "../schemas/responses.js";

export interface DnsRoutesOptions {
  store: MailStore;
  access: RunAccess;
}

function view(records: DnsRecord[]) {
  return { records: records.map(({ name, type, values }) => ({ name, type, values: [...values] })) };
}

/** /v1/runs/{run}/dns: the records this run's SPF, DKIM, DMARC and ARC checks resolve against. */
export const dnsRoutes: FastifyPluginAsyncZod<DnsRoutesOptions> = async (app, { store, access }) => {
  app.put(
    "/dns",
    {
      schema: {
        tags: ["runs"],
        summary: "Set the run's DNS records",
        description:
          "Replaces the run's DNS records: SPF policies, DKIM keys and DMARC policies as TXT records (plus A, AAAA, MX, CNAME, PTR). " +
          "Checks of mail arriving after this call resolve against them, so results are deterministic and need no internet. " +
          "Mail already received keeps the results it got. An empty list clears them.",
        security: runSecurity,
        params: RunParams,
        body: PutDnsBody,
        response: {
          200: json(DnsRecords, "The records as stored (names normalized)."),
          ...problemResponses(400, 401, 404),
        },
      },
    },
    async (request) => {
      const run = access.runOf(request);
      await store.setDnsRecords(run.id, request.body.records);
      return view(await store.getDnsRecords(run.id));
    },
  );

  app.get(
    "/dns",
    {
      schema: {
        tags: ["runs"],
        summary: "The run's DNS records",
        description: "The records set with PUT, as the run's authentication checks see them.",
        security: runSecurity,
        params: RunParams,
        response: { 200: json(DnsRecords, "The records."), ...problemResponses(400, 401, 404) },
      },
    },
    async (request) => view(await store.getDnsRecords(access.runOf(request).id)),
  );
};
