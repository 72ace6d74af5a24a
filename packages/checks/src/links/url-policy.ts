import { BlockList, isIP } from "node:net";

/**
 * Which hosts the link checker may contact. Private and loopback addresses are allowed (the
 * applications under test and CI's own servers live there); link-local ones, where cloud
 * metadata services answer with credentials, never are.
 */
export interface UrlPolicy {
  /** Why `host` may not be contacted, or undefined when it may. */
  refuseHost(host: string): string | undefined;
  /** Why a resolved address may not be contacted, or undefined when it may. */
  refuseAddress(address: string): string | undefined;
}

const metadata = new BlockList();
metadata.addSubnet("169.254.0.0", 16, "ipv4");
metadata.addSubnet("fe80::", 10, "ipv6");
metadata.addAddress("fd00:ec2::254", "ipv6");

function isMetadataAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  // IPv4-mapped IPv6 (::ffff:169.254.169.254) reaches the same IPv4 host.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return metadata.check(mapped[1], "ipv4");
  return metadata.check(address, family === 4 ? "ipv4" : "ipv6");
}

interface Rule {
  deny: boolean;
  matches(host: string): boolean;
}

function hostRule(pattern: string): (host: string) => boolean {
  const cidr = /^(.+)\/(\d{1,3})$/.exec(pattern);
  if (cidr?.[1] && isIP(cidr[1])) {
    const list = new BlockList();
    const type = isIP(cidr[1]) === 4 ? "ipv4" : "ipv6";
    list.addSubnet(cidr[1], Number(cidr[2]), type);
    return (host) => isIP(host) !== 0 && list.check(host, isIP(host) === 4 ? "ipv4" : "ipv6");
  }
  if (pattern.startsWith("*.")) {
    const suffix = pattern.slice(1);
    return (host) => host.endsWith(suffix);
  }
  return (host) => host === pattern;
}

/**
 * Parses `SANDMAIL_LINK_CHECK_ALLOW` (or `SANDMAIL_WEBHOOK_ALLOW`, named by `variable` in reasons): comma-separated host names, `*.domain` suffixes and CIDR
 * ranges; a leading `!` denies. With at least one allow entry only matching hosts are checked;
 * deny entries always win. Empty: every host but link-local addresses.
 */
export function parseUrlPolicy(spec: string | undefined, variable = "SANDMAIL_LINK_CHECK_ALLOW"): UrlPolicy {
  const rules: Rule[] = (spec ?? "")
    .split(",")
    .map((entry) => entry.trim().toLowerCase())
    .filter(Boolean)
    .map((entry) => {
      const deny = entry.startsWith("!");
      return { deny, matches: hostRule(deny ? entry.slice(1) : entry) };
    });
  const allows = rules.filter((rule) => !rule.deny);
  const denies = rules.filter((rule) => rule.deny);
  const listed = (host: string) => {
    if (denies.some((rule) => rule.matches(host))) return `denied by ${variable}`;
    if (allows.length > 0 && !allows.some((rule) => rule.matches(host))) return `not in ${variable}`;
    return undefined;
  };
  return {
    refuseHost(rawHost) {
      const host = rawHost.toLowerCase().replace(/^\[|\]$/g, "");
      if (isMetadataAddress(host)) return "link-local address refused";
      return listed(host);
    },
    refuseAddress(address) {
      if (isMetadataAddress(address)) return "resolves to a link-local address (refused)";
      // Only deny ranges apply here: an allow list of host names says nothing about addresses.
      return denies.some((rule) => rule.matches(address)) ? `denied by ${variable}` : undefined;
    },
  };
}
