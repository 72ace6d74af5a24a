"""Drives sandmail IMAP with Python's imaplib and prints what it saw as JSON (one object).

argv: port tls_port user password
"""
import imaplib
import json
import ssl
import sys
import time

port, tls_port, user, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]
out = {}


def text(data):
    return [d.decode("latin1") if isinstance(d, bytes) else repr(d) for d in data]


def flat(data):
    """FETCH results as one string per message (tuples joined)."""
    res = []
    for d in data:
        if isinstance(d, tuple):
            res.append(d[0].decode("latin1") + "|" + d[1].decode("latin1"))
        elif isinstance(d, bytes):
            if res and d in (b")",):
                continue
            res.append(d.decode("latin1"))
    return res


ctx = ssl.create_default_context()
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE

# Implicit TLS and STARTTLS.
m = imaplib.IMAP4_SSL("127.0.0.1", tls_port, ssl_context=ctx)
out["tls_login"] = m.login(user, password)[0]
m.logout()
m = imaplib.IMAP4("127.0.0.1", port)
out["starttls"] = m.starttls(ssl_context=ctx)[0]
out["capabilities"] = list(m.capabilities)

# AUTHENTICATE PLAIN (imaplib sends the response after a continuation).
out["auth_plain"] = m.authenticate("PLAIN", lambda _: f"\0{user}\0{password}".encode())[0]
out["namespace"] = text(m.namespace()[1])
out["list"] = text(m.list()[1])
out["lsub"] = text(m.lsub('""', "*")[1])
imaplib.Commands["XLIST"] = ("AUTH", "SELECTED")
imaplib.Commands["ENABLE"] = ("AUTH", "SELECTED")
typ, _ = m._simple_command("XLIST", '""', "*")
out["xlist"] = text(m._untagged_response(typ, [None], "XLIST")[1])

typ, data = m.select("INBOX")
out["select"] = [typ, text(data)]
out["select_untagged"] = {
    k: text(m.untagged_responses.get(k, [])) for k in ("FLAGS", "PERMANENTFLAGS", "RECENT", "UIDVALIDITY", "UIDNEXT", "UNSEEN", "READ-WRITE")
}
out["fetch_partial"] = flat(m.fetch("1", "(BODY.PEEK[]<0.20>)")[1])
out["fetch_header_fields"] = flat(m.fetch("2", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")[1])
out["fetch_text"] = flat(m.fetch("2", "(RFC822.TEXT)")[1])
out["flags_after_text"] = flat(m.fetch("2", "(FLAGS)")[1])
out["uid_fetch"] = flat(m.uid("FETCH", "3:*", "(FLAGS)")[1])
out["store_silent"] = text(m.store("1", "+FLAGS.SILENT", "(\\Flagged)")[1])
out["store_plus"] = text(m.store("1", "+FLAGS", "(\\Answered)")[1])
out["store_minus"] = text(m.store("1", "-FLAGS", "(\\Answered)")[1])
out["store_set"] = text(m.store("3", "FLAGS", "(\\Deleted $Work)")[1])
out["search_all"] = text(m.search(None, "ALL")[1])
out["search_or"] = text(m.search(None, "OR", "FLAGGED", "DELETED")[1])
out["search_not"] = text(m.search(None, "NOT", "SEEN")[1])
out["search_utf8"] = text(m.search("UTF-8", "SUBJECT", "Message")[1])
typ, data = m.search("KOI8-R", "ALL")
out["search_badcharset"] = [typ] + text(data)
out["uid_search"] = text(m.uid("SEARCH", "UID", "2:*")[1])
out["copy"] = text(m.copy("1:2", "Archive")[1])
out["copy_code"] = text(m.untagged_responses.pop("COPYUID", []))
out["expunge"] = text(m.expunge()[1])
out["uid_move"] = m.uid("MOVE", "4", "Trash")[0]
out["status"] = text(m.status("Archive", "(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN)")[1])
out["create"] = m.create("&ZeVnLIqe-")[0]
out["create_dup"] = m.create("&ZeVnLIqe-")[0]
out["rename"] = m.rename("&ZeVnLIqe-", "Renamed")[0]
out["subscribe"] = m.subscribe("Renamed")[0]
out["lsub_after"] = text(m.lsub('""', "Ren*")[1])
out["unsubscribe"] = m.unsubscribe("Renamed")[0]
out["delete"] = m.delete("Renamed")[0]
out["delete_inbox"] = m.delete("INBOX")[0]
out["append"] = m.append("INBOX", "(\\Seen)", imaplib.Time2Internaldate(time.time()), b"Subject: appended\r\n\r\nbody\r\n")
out["append"] = [out["append"][0], text(out["append"][1])]
out["check"] = m.check()[0]
out["noop"] = text(m.noop()[1])
out["unselect"] = m.unselect()[0]
typ, data = m.select("INBOX", readonly=True)
out["examine"] = [typ, text(data), text(m.untagged_responses.get("READ-ONLY", []))]
out["store_readonly"] = m.store("1", "+FLAGS", "(\\Seen)")[0]
out["close"] = m.close()[0]
out["enable"] = m._simple_command("ENABLE", "UTF8=ACCEPT")[0]
out["logout"] = m.logout()[0]
print(json.dumps(out))
