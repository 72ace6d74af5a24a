import { loadOnce } from "@sandmail/core";

/**
 * undici, loaded on the first outbound request (a link check, a webhook delivery, rspamd): at
 * start-up it is about a tenth of the all-in-one server's CPU time and several MiB of its heap,
 * for a request most servers never make.
 */
export const loadUndici = loadOnce(() => import("undici"));
