import { loadOnce } from "@sandmail/core";

/**
 * mailauth, loaded on first use. Most test mail is unsigned and goes to runs without DNS records,
 * which never needs it (see offline-shortcut.ts); loading it up front costs every process about
 * 30 MiB, the SMTP-only process of a scale-out deployment included.
 */
export const loadMailauth = loadOnce(() => import("mailauth"));
