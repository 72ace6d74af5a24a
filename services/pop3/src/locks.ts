/**
 * Maildrop locks (RFC 1939 §8: one session per maildrop, a second gets `-ERR [IN-USE]`, RFC 2449).
 * Held in this process: with several processes over one Redis store each keeps its own, so two
 * sessions in two processes could still open one maildrop at once.
 */
export class MaildropLocks {
  private readonly held = new Set<string>();

  /** The release function, or undefined when the maildrop is in use. */
  acquire(runId: string, mailboxId: string): (() => void) | undefined {
    const key = `${runId}\0${mailboxId}`;
    if (this.held.has(key)) return undefined;
    this.held.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held.delete(key);
    };
  }
}
