import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import type { Agent } from "undici";
import { loadUndici } from "./undici.js";
import type { UrlPolicy } from "./url-policy.js";

/** A connection refused by the policy after DNS resolution. */
export class Refused extends Error {}

/**
 * An undici Agent whose connections check every resolved address against the policy at
 * connect time, so DNS cannot point an allowed name at a metadata service. Used by the link
 * checker and the webhook sender.
 */
export async function guardedAgent(policy: UrlPolicy, connectTimeoutMs: number): Promise<Agent> {
  const { Agent } = await loadUndici();
  return new Agent({
    connect: {
      timeout: connectTimeoutMs,
      lookup(hostname, opts, callback) {
        dnsLookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
          if (err) return callback(err, "", 4);
          const refused = addresses.map((a) => policy.refuseAddress(a.address)).find(Boolean);
          if (refused) return callback(new Refused(`${hostname} ${refused}`), "", 4);
          // undici asked for one address unless `all` was set by the caller.
          if (opts.all)
            return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
          const first = addresses[0];
          if (!first) return callback(new Error(`${hostname} has no address`), "", 4);
          callback(null, first.address, first.family);
        });
      },
    },
  });
}
