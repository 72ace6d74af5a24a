/**
 * Why a matcher or pattern cannot be used. `unsupported_pattern`: valid JavaScript regex syntax that
 * the linear-time engine does not run (backreferences, lookaround); `invalid_request`: anything else
 * (bad syntax, unknown flag, empty or over-long value). The API answers both with 400, under these
 * codes, so a client can tell "rewrite the pattern" from "fix the request".
 */
export type MatcherErrorCode = "unsupported_pattern" | "invalid_request";

export class MatcherError extends Error {
  readonly code: MatcherErrorCode;

  constructor(code: MatcherErrorCode, message: string) {
    super(message);
    this.name = "MatcherError";
    this.code = code;
  }
}
