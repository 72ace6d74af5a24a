import { SandmailError } from "@sandmail/core";

/**
 * Key names of one run. Every key starts with `<prefix>{<runId>}:` so the run lives in one
 * cluster slot and its Lua scripts may touch any of its keys.
 */
export class RunKeys {
  readonly prefix: string;
  readonly run: string;

  constructor(keyPrefix: string, runId: string) {
    this.prefix = `${keyPrefix}{${runId}}:`;
    this.run = `${this.prefix}run`;
  }

  get channel(): string {
    return `${this.prefix}events`;
  }

  message(messageId: string): string {
    return `${this.prefix}m:${messageId}`;
  }
}

export function checkKeyPrefix(prefix: string): string {
  if (typeof prefix !== "string" || /[{}\s]/.test(prefix)) {
    throw new SandmailError("invalid_request", `invalid Redis key prefix: ${JSON.stringify(prefix)}`);
  }
  return prefix;
}
