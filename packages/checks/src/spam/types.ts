export interface SpamRule {
  name: string;
  score: number;
  description: string;
}

export interface SpamReport {
  score: number;
  threshold: number;
  isSpam: boolean;
  rules: SpamRule[];
}

/** A spam engine sandmail can ask: SpamAssassin's spamd or rspamd. */
export interface SpamEngine {
  readonly name: "spamassassin" | "rspamd";
  check(raw: Buffer): Promise<SpamReport>;
}
