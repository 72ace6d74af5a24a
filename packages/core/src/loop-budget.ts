/** Work on large messages done in one turn of the event loop, for all of it together. */
const TURN_MS = 4;

let windowStart = -1;

/**
 * True once this turn of the event loop has been busy for a few ms since work on large messages
 * first asked in it: such work (joining a 25 MiB message's bytes, reading sixteen DATA streams at
 * once) then waits for the next turn, so SMTP greetings, IMAP commands and HTTP requests get the
 * loop in between however many messages arrive together. Each caller does at least one step per
 * turn, so none starves.
 */
export function loopBusy(): boolean {
  const now = performance.now();
  if (windowStart < 0) {
    windowStart = now;
    setImmediate(() => {
      windowStart = -1;
    });
  }
  return now - windowStart >= TURN_MS;
}
