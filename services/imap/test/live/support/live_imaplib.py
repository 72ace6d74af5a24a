"""Three imaplib sessions on one mailbox while changes come from IMAP, the REST API and SMTP.

Each session keeps a model of what the server told it (seq -> UID, from EXISTS / EXPUNGE /
FETCH in arrival order) and checks every response against it: a FETCH that names another UID
than the model holds at that number, or an EXPUNGE during a non-UID FETCH/STORE/SEARCH, is a
failure. At the end each model must equal the store (UIDs in order, Message-IDs per number).

argv: imap_port smtp_port api_url run_id token address
Prints one JSON object: {"ok": bool, "failures": [...], "steps": n}.
"""
import imaplib
import json
import re
import smtplib
import sys
import urllib.request

imaplib.Commands.setdefault("MOVE", ("SELECTED",))
imap_port, smtp_port = int(sys.argv[1]), int(sys.argv[2])
api, run_id, token, address = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
failures = []
steps = 0


class Session(imaplib.IMAP4):
    """imaplib, recording untagged responses in the order they arrive."""

    def __init__(self, name):
        self.name = name
        self.seqs = []
        self.ordered = []
        self.command_name = None
        super().__init__("127.0.0.1", imap_port)

    def _append_untagged(self, typ, dat):
        self.ordered.append((typ, dat))
        super()._append_untagged(typ, dat)

    def run(self, name, *args, uid=False):
        """One command; applies its untagged responses to the model, in order."""
        global steps
        steps += 1
        self.ordered = []
        self.command_name = name
        if uid:
            typ, data = self.uid(name, *args)
        elif name == "MOVE":
            typ, data = self._simple_command(name, *args)
        else:
            typ, data = getattr(self, name.lower())(*args)
        if typ != "OK":
            failures.append(f"{self.name}: {name} {args} -> {typ} {data}")
        for t, d in self.ordered:
            self.apply(t, d, name, uid)
        self.ordered = []
        return typ, data

    def apply(self, typ, dat, name, uid):
        if isinstance(dat, tuple):
            dat = dat[0]
        text = dat.decode("latin1") if isinstance(dat, bytes) else str(dat)
        if typ == "EXISTS":
            n = int(text)
            if n < len(self.seqs):
                failures.append(f"{self.name}: EXISTS {n} below {len(self.seqs)}")
            self.seqs += [None] * (n - len(self.seqs))
        elif typ == "EXPUNGE":
            if not uid and name in ("FETCH", "STORE", "SEARCH"):
                failures.append(f"{self.name}: EXPUNGE during {name}")
            seq = int(text)
            if not 1 <= seq <= len(self.seqs):
                failures.append(f"{self.name}: EXPUNGE {seq} out of range")
            else:
                del self.seqs[seq - 1]
        elif typ == "FETCH":
            m = re.match(r"(\d+) \(.*?UID (\d+)", text)
            if not m:
                return
            seq, u = int(m.group(1)), int(m.group(2))
            if not 1 <= seq <= len(self.seqs):
                failures.append(f"{self.name}: FETCH {seq} beyond EXISTS {len(self.seqs)}")
                return
            if self.seqs[seq - 1] not in (None, u):
                failures.append(f"{self.name}: FETCH {seq} says UID {u}, model holds {self.seqs[seq - 1]}")
            self.seqs[seq - 1] = u

    def open_inbox(self):
        self.login(address, token)
        self.run("SELECT", "INBOX")
        self.run("FETCH", "1:*", "(FLAGS)", uid=True)

    def idle_until(self, pattern):
        """Raw IDLE (imaplib has none before 3.14): reads until a line matches, then DONE."""
        tag = self._new_tag()
        self.send(tag + b" IDLE\r\n")
        seen = []
        while True:
            line = self.readline().decode("latin1").rstrip("\r\n")
            if line.startswith("+"):
                continue
            seen.append(line)
            m = re.match(r"\* (\d+) (EXISTS|EXPUNGE|FETCH)(.*)", line)
            if m:
                self.apply(m.group(2), (m.group(1) + m.group(3)).encode("latin1"), "IDLE", True)
            if re.search(pattern, line):
                break
        self.send(b"done\r\n")
        while not self.readline().startswith(tag):
            pass
        return seen


def http(method, path, body=None):
    req = urllib.request.Request(
        f"{api}/v1/runs/{run_id}{path}",
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"authorization": f"Bearer {token}", **({"content-type": "application/json"} if body is not None else {})},
    )
    with urllib.request.urlopen(req) as res:
        raw = res.read()
        return json.loads(raw) if raw else None


def deliver(subject):
    with smtplib.SMTP("127.0.0.1", smtp_port) as s:
        s.sendmail(
            "app@example.com",
            [address],
            f"From: app@example.com\r\nTo: {address}\r\nSubject: {subject}\r\n"
            f"Message-ID: <{subject}@example.com>\r\n\r\nbody of {subject}\r\n",
        )


def message_id_of(subject):
    for m in http("GET", "/messages?limit=100")["messages"]:
        if m["subject"] == subject:
            return m["id"]
    raise AssertionError(f"no message {subject}")


def verify(s):
    s.run("NOOP")
    typ, data = s.run("FETCH", "1:*", "(UID BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
    by_seq = {}
    for d in data:
        if isinstance(d, tuple):
            m = re.match(rb"(\d+) \(UID (\d+)", d[0])
            mid = re.search(rb"Message-ID:\s*<([^>]*)>", d[1], re.I)
            by_seq[int(m.group(1))] = (int(m.group(2)), mid.group(1).decode() if mid else "")
    listed = {m["subject"]: m for m in http("GET", "/messages?limit=100")["messages"] if m["mailbox"] == "INBOX"}
    if len(s.seqs) != len(listed):
        failures.append(f"{s.name}: model has {len(s.seqs)} messages, the API {len(listed)}")
    for seq, (uid, mid) in by_seq.items():
        if s.seqs[seq - 1] != uid:
            failures.append(f"{s.name}: seq {seq} is UID {uid}, model {s.seqs[seq - 1]}")
        if mid.split("@")[0] not in listed:
            failures.append(f"{s.name}: seq {seq} returned {mid}, not in the API's INBOX")


for i in range(1, 5):
    deliver(f"seed{i}")
a, b, c = Session("a"), Session("b"), Session("c")
for s in (a, b, c):
    s.open_inbox()

# New mail by SMTP: seen in IDLE by c, by b at NOOP.
deliver("smtp1")
c.idle_until(r"^\* 5 EXISTS")
typ, _ = b.run("NOOP")
if len(b.seqs) != 5:
    failures.append(f"b: NOOP after SMTP left {len(b.seqs)} messages")

# A flag set by one session reaches the other two.
a.run("STORE", "2", "+FLAGS", "(\\Flagged)")
b.run("NOOP")
c.run("NOOP")

# A flag set through the API reaches every session.
http("PATCH", f"/messages/{message_id_of('seed3')}", {"seen": True})
for s in (a, b, c):
    s.run("NOOP")

# A message deleted through the API: no renumbering in the middle of b's FETCH / SEARCH.
http("DELETE", f"/messages/{message_id_of('seed1')}")
b.run("FETCH", "1:*", "(UID FLAGS)")
b.run("SEARCH", None, "ALL")
if len(b.seqs) != 5:
    failures.append(f"b: renumbered during FETCH/SEARCH ({len(b.seqs)})")
b.run("NOOP")

# MOVE out from under the others.
a.run("NOOP")
a.run("MOVE", "1", "Archive")
c.run("FETCH", "1", "(UID)")
c.run("NOOP")

for s in (a, b, c):
    verify(s)
    s.logout()
print(json.dumps({"ok": not failures, "failures": failures, "steps": steps}))
