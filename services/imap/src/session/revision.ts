/**
 * IMAP4rev2 (RFC 9051) is a mode of the same session, switched on by `ENABLE IMAP4rev2`: the
 * commands stay the rev1 ones and ask here where a rev2 session answers differently, so no
 * command has a second copy of its logic.
 */
import { UTF8_ACCEPT } from "../protocol/mailbox-name.js";
import type { Session } from "./session.js";

/** The ENABLE and CAPABILITY name (RFC 9051 §6.3.1). */
export const IMAP4REV2 = "IMAP4rev2";

export const isRev2 = (session: Session): boolean => session.enabled.has(IMAP4REV2);

/** Mailbox names are UTF-8 both ways, no modified UTF-7 (RFC 9051 §5.1, RFC 6855 §3). */
export const utf8Names = (session: Session): boolean => session.enabled.has(UTF8_ACCEPT) || isRev2(session);

/**
 * Whether \Recent and `* n RECENT` are shown: RFC 9051 removed both (Appendix E). The session
 * still claims \Recent as before, so a rev1 session never sees a message as recent twice.
 */
export const showsRecent = (session: Session): boolean => !isRev2(session);
