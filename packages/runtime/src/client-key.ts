import { isIPv6 } from "node:net";

/**
 * The key per-client limits count under: an IPv4 address (also when written IPv4-mapped, as a
 * dual-stack socket reports it), or an IPv6 address's /64, which one client usually owns whole
 * and could otherwise walk through to escape any per-address limit.
 */
export function clientKey(address: string | undefined): string {
  if (!address) return "unknown";
  const lower = address.toLowerCase();
  if (lower.startsWith("::ffff:") && lower.includes(".")) return lower.slice(7);
  if (!isIPv6(lower)) return lower;
  const [head = "", tail = ""] = lower.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = lower.includes("::")
    ? [...headGroups, ...Array(missing).fill("0"), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}
