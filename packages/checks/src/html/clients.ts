/**
 * Every email client the caniemail package checks, as `family.platform`. The package does not
 * export its list (only a type), so it is repeated here; test/html-clients.test.ts checks each
 * name against the package so an update that renames one fails there.
 */
export const ALL_CLIENTS = [
  "apple-mail.macos",
  "apple-mail.ios",
  "gmail.desktop-webmail",
  "gmail.ios",
  "gmail.android",
  "gmail.mobile-webmail",
  "orange.desktop-webmail",
  "orange.ios",
  "orange.android",
  "outlook.windows",
  "outlook.windows-mail",
  "outlook.macos",
  "outlook.ios",
  "outlook.android",
  "yahoo.desktop-webmail",
  "yahoo.ios",
  "yahoo.android",
  "aol.desktop-webmail",
  "aol.ios",
  "aol.android",
  "samsung-email.android",
  "sfr.desktop-webmail",
  "sfr.ios",
  "sfr.android",
  "thunderbird.macos",
  "protonmail.desktop-webmail",
  "protonmail.ios",
  "protonmail.android",
  "hey.desktop-webmail",
  "mail-ru.desktop-webmail",
  "fastmail.desktop-webmail",
  "laposte.desktop-webmail",
] as const;

export type EmailClient = (typeof ALL_CLIENTS)[number];

const FAMILIES = new Set(ALL_CLIENTS.map((client) => client.slice(0, client.indexOf("."))));

/**
 * Resolves a client filter: a family (`gmail`) means all its platforms, `family.platform` one
 * client, `*` (or nothing) every client. Unknown names are returned in `unknown` so the caller can
 * say which one was wrong instead of silently checking fewer clients.
 */
export function resolveClients(filter: readonly string[] | undefined): {
  clients: EmailClient[];
  unknown: string[];
} {
  if (!filter || filter.length === 0) return { clients: [...ALL_CLIENTS], unknown: [] };
  const chosen = new Set<EmailClient>();
  const unknown: string[] = [];
  for (const raw of filter) {
    const name = raw.trim().toLowerCase();
    if (name === "*" || name === "all") {
      for (const client of ALL_CLIENTS) chosen.add(client);
    } else if (FAMILIES.has(name)) {
      for (const client of ALL_CLIENTS) if (client.startsWith(`${name}.`)) chosen.add(client);
    } else if ((ALL_CLIENTS as readonly string[]).includes(name)) {
      chosen.add(name as EmailClient);
    } else if (name) {
      unknown.push(raw);
    }
  }
  // Keep caniemail's order so answers are stable whatever order the filter was given in.
  return { clients: ALL_CLIENTS.filter((client) => chosen.has(client)), unknown };
}

/** The client families, for documentation and error messages. */
export function clientFamilies(): string[] {
  return [...FAMILIES];
}
