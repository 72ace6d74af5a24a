/**
 * Compile-time only (checked by the workspace's `pnpm typecheck`): the SDK declares the API's
 * shapes itself so the published package depends on nothing unpublished; these lines fail to
 * compile when @sandmail/core's domain types drift away from them.
 */
import type * as core from "../../core/src/index.js";
import type * as sdk from "../src/types.js";

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assignable<From, To> = [From] extends [To] ? true : false;

export const checks: Array<true> = [
  true satisfies Same<core.AuthResultValue, sdk.AuthResultValue>,
  true satisfies Assignable<core.AuthSummary, sdk.AuthResults>,
  true satisfies Assignable<sdk.AuthResults, core.AuthSummary>,
  true satisfies Same<core.DnsRecord, sdk.DnsRecord>,
  true satisfies Assignable<core.Envelope, sdk.Envelope>,
  true satisfies Assignable<core.AddressValue, sdk.Address>,
  true satisfies Assignable<core.RunLimits, sdk.RunLimits>,
  true satisfies Same<import("../../mime/src/index.js").ExtractedLink, sdk.Link>,
  true satisfies Same<import("../../mime/src/index.js").ExtractedCode, sdk.Code>,
  true satisfies Same<import("../../mime/src/index.js").PatternMatch, sdk.PatternMatch>,
];
