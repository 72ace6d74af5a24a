import { useEffect, useState } from "preact/hooks";
import { ApiError, api, runPath } from "./api.js";
import { ChecksTab } from "./checks-tab.js";
import { CopyButton } from "./copy-button.js";
import type { Detail, Folders, Summary } from "./wire.js";

type Tab = "html" | "text" | "headers" | "raw" | "auth" | "links" | "attachments" | "envelope" | "checks";
const TABS: Array<[Tab, string]> = [
  ["html", "HTML"],
  ["text", "Text"],
  ["headers", "Headers"],
  ["raw", "Raw"],
  ["auth", "Authentication"],
  ["links", "Links & codes"],
  ["attachments", "Attachments"],
  ["envelope", "Envelope"],
  ["checks", "Checks"],
];
// Image types a browser shows inline without running anything.
const INLINE_IMAGE = /^image\/(png|jpeg|gif|webp|avif|bmp)$/;

function addresses(list: Array<{ name: string; address: string }>): string {
  return list.map((a) => (a.name ? `${a.name} <${a.address}>` : a.address)).join(", ");
}

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1048576).toFixed(1)} MB`;
}

export function MessageView({
  run,
  id,
  summary,
  onChanged,
  onDeleted,
  onClose,
}: {
  run: string;
  id: string;
  summary: Summary | undefined;
  onChanged: (s: Summary) => void;
  onDeleted: () => void;
  onClose: () => void;
}) {
  const [message, setMessage] = useState<Detail>();
  const [error, setError] = useState<string>();
  const [tab, setTab] = useState<Tab>("html");
  const [remote, setRemote] = useState(false);
  const [folders, setFolders] = useState<Folders["folders"]>([]);
  const base = runPath(run, `/messages/${encodeURIComponent(id)}`);

  useEffect(() => {
    setMessage(undefined);
    setError(undefined);
    setRemote(false);
    api<Detail>(base).then(
      (m) => {
        setMessage(m);
        setTab((t) => (t === "html" && m.html === undefined ? "text" : t));
      },
      (err: unknown) =>
        setError(err instanceof ApiError && err.status === 404 ? "This message is gone." : String(err)),
    );
  }, [base]);

  useEffect(() => {
    if (!message) return;
    api<Folders>(runPath(run, `/inboxes/${encodeURIComponent(message.inbox)}/folders`)).then(
      (f) => setFolders(f.folders),
      () => setFolders([]),
    );
  }, [run, message?.inbox]);

  if (error)
    return (
      <section class="view" aria-label="Message">
        <p class="notice">{error}</p>
      </section>
    );
  if (!message)
    return (
      <section class="view" aria-label="Message">
        <p class="muted">Loading…</p>
      </section>
    );

  // Flags and folder come from the live list when it has the message: the stream keeps them current.
  const seen = summary?.seen ?? message.seen;
  const flagged = summary?.flagged ?? message.flagged;
  const mailbox = summary?.mailbox ?? message.mailbox;
  const change = async (body: object) => onChanged(await api<Summary>(base, { method: "PATCH", json: body }));
  const remove = async () => {
    await api(base, { method: "DELETE" });
    onDeleted();
  };

  return (
    <section class="view" aria-label="Message">
      <header class="view-head">
        <button type="button" class="back" onClick={onClose} aria-label="Back to the list">
          ←
        </button>
        <h2 class="subject">{message.subject || "(no subject)"}</h2>
        <dl class="meta">
          <dt>From</dt>
          <dd>{message.from ? addresses([message.from]) : "(none)"}</dd>
          <dt>To</dt>
          <dd>{addresses(message.to) || "(none)"}</dd>
          {message.cc.length > 0 && (
            <>
              <dt>Cc</dt>
              <dd>{addresses(message.cc)}</dd>
            </>
          )}
          {message.bcc.length > 0 && (
            <>
              <dt>Bcc</dt>
              <dd>{addresses(message.bcc)}</dd>
            </>
          )}
          <dt>Date</dt>
          <dd>{new Date(message.date ?? message.receivedAt).toLocaleString()}</dd>
          <dt>Size</dt>
          <dd>{bytes(message.size)}</dd>
        </dl>
        <div class="actions" role="toolbar" aria-label="Message actions">
          <button type="button" onClick={() => change({ seen: !seen })}>
            {seen ? "Mark unread" : "Mark read"}
          </button>
          <button type="button" aria-pressed={flagged} onClick={() => change({ flagged: !flagged })}>
            {flagged ? "Unflag" : "Flag"}
          </button>
          <label class="move">
            <span>Move to</span>
            <select value={mailbox} onChange={(e) => change({ mailbox: e.currentTarget.value })}>
              {(folders.length ? folders.map((f) => f.name) : [mailbox]).map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          </label>
          <button type="button" class="danger" onClick={remove}>
            Delete
          </button>
          <a class="button" href={`${base}/raw`} download={`${message.id}.eml`}>
            Download .eml
          </a>
        </div>
      </header>
      <div class="tabs" role="tablist" aria-label="Message parts">
        {TABS.map(([key, label]) => (
          <button
            key={key}
            type="button"
            role="tab"
            id={`tab-${key}`}
            aria-selected={tab === key}
            aria-controls="tab-panel"
            onClick={() => setTab(key)}
          >
            {label}
            {key === "attachments" && message.attachments.length > 0
              ? ` (${message.attachments.length})`
              : ""}
          </button>
        ))}
      </div>
      <div class="panel" role="tabpanel" id="tab-panel" aria-labelledby={`tab-${tab}`}>
        {tab === "html" && (
          <HtmlTab base={base} message={message} remote={remote} onRemote={() => setRemote(true)} />
        )}
        {tab === "text" && <pre class="text">{message.text ?? "This message has no plain-text part."}</pre>}
        {tab === "headers" && (
          <table class="headers">
            <tbody>
              {message.headers.map((h, i) => (
                <tr key={i}>
                  <th scope="row">{h.name}</th>
                  <td>{h.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {tab === "raw" && <RawTab base={base} id={message.id} />}
        {tab === "auth" && <AuthTab message={message} />}
        {tab === "links" && <LinksTab message={message} />}
        {tab === "attachments" && <AttachmentsTab base={base} message={message} />}
        {tab === "envelope" && <EnvelopeTab message={message} />}
        {tab === "checks" && <ChecksTab base={base} />}
        {message.parseError && <p class="notice">Could not decode this message: {message.parseError}</p>}
      </div>
    </section>
  );
}

function HtmlTab({
  base,
  message,
  remote,
  onRemote,
}: {
  base: string;
  message: Detail;
  remote: boolean;
  onRemote: () => void;
}) {
  if (message.html === undefined) return <p class="muted">This message has no HTML part.</p>;
  const src = `${base}/html${remote ? "?remote=true" : ""}`;
  return (
    <div class="html-tab">
      <div class="html-bar">
        {remote ? (
          <span class="muted">Remote content is loaded for this message.</span>
        ) : (
          <>
            <span class="muted">Remote images, styles and fonts are blocked.</span>
            <button type="button" onClick={onRemote}>
              Load remote content
            </button>
          </>
        )}
        <a href={src} target="_blank" rel="noopener noreferrer">
          Open in a new tab
        </a>
      </div>
      {/* No allow-scripts, no allow-same-origin: the page is inert and has no origin; its own CSP
          (served with it) blocks remote loads until asked. */}
      <iframe
        title="HTML preview"
        class="preview"
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        referrerpolicy="no-referrer"
        src={src}
      />
    </div>
  );
}

function RawTab({ base, id }: { base: string; id: string }) {
  const [raw, setRaw] = useState<string>();
  useEffect(() => {
    fetch(`${base}/raw`, { credentials: "same-origin" })
      .then((r) => r.text())
      .then(setRaw, () => setRaw("(could not load the raw source)"));
  }, [base]);
  return (
    <div>
      <p>
        <a href={`${base}/raw`} download={`${id}.eml`}>
          Download as {id}.eml
        </a>{" "}
        ·{" "}
        <a href={`${base}/raw`} target="_blank" rel="noopener noreferrer">
          Open raw source
        </a>
      </p>
      <pre class="raw">{raw ?? "Loading…"}</pre>
    </div>
  );
}

function Result({ value }: { value: string }) {
  return <span class={`result result-${value}`}>{value}</span>;
}

/** One check of the authentication table: "n/a" when it did not run, details joined by dashes. */
function AuthRow(props: { check: string; result: string | undefined; details: unknown[] }) {
  return (
    <tr>
      <th scope="row">{props.check}</th>
      <td>{props.result ? <Result value={props.result} /> : "n/a"}</td>
      <td>{props.details.filter(Boolean).join(" — ")}</td>
    </tr>
  );
}

function AuthTab({ message }: { message: Detail }) {
  const auth = message.auth;
  if (!auth) return <p class="muted">No authentication results: this message did not arrive over SMTP.</p>;
  return (
    <table class="auth">
      <thead>
        <tr>
          <th scope="col">Check</th>
          <th scope="col">Result</th>
          <th scope="col">Details</th>
        </tr>
      </thead>
      <tbody>
        <AuthRow check="SPF" result={auth.spf?.result} details={[auth.spf?.domain, auth.spf?.reason]} />
        {auth.dkim.length === 0 && <AuthRow check="DKIM" result="none" details={["no signature"]} />}
        {auth.dkim.map((d, i) => (
          <AuthRow
            key={i}
            check="DKIM"
            result={d.result}
            details={[`d=${d.domain}`, `s=${d.selector}`, d.algorithm, d.aligned && "aligned", d.reason]}
          />
        ))}
        <AuthRow
          check="DMARC"
          result={auth.dmarc?.result}
          details={[auth.dmarc?.domain, auth.dmarc?.policy && `p=${auth.dmarc.policy}`, auth.dmarc?.reason]}
        />
        <AuthRow
          check="ARC"
          result={auth.arc?.result}
          details={[auth.arc?.instance && `i=${auth.arc.instance}`, auth.arc?.reason]}
        />
      </tbody>
    </table>
  );
}

function LinksTab({ message }: { message: Detail }) {
  return (
    <div>
      <h3>Codes</h3>
      {message.codes.length === 0 ? (
        <p class="muted">No one-time codes found.</p>
      ) : (
        <ul class="codes">
          {message.codes.map((c) => (
            <li key={c.value}>
              <code class="code">{c.value}</code> <CopyButton value={c.value} label={`code ${c.value}`} />
              <span class="muted context">{c.context}</span>
            </li>
          ))}
        </ul>
      )}
      <h3>Links</h3>
      {message.links.length === 0 ? (
        <p class="muted">No links.</p>
      ) : (
        <ul class="links">
          {message.links.map((l) => (
            <li key={l.url}>
              <a href={/^https?:/i.test(l.url) ? l.url : undefined} target="_blank" rel="noopener noreferrer">
                {l.url}
              </a>{" "}
              <CopyButton value={l.url} label="link" />
              {l.text && <span class="muted context">{l.text}</span>}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function AttachmentsTab({ base, message }: { base: string; message: Detail }) {
  if (message.attachments.length === 0) return <p class="muted">No attachments.</p>;
  return (
    <ul class="attachments">
      {message.attachments.map((a) => {
        const url = `${base}/attachments/${a.index}`;
        const name = a.filename ?? `attachment-${a.index}`;
        return (
          <li key={a.index}>
            <a href={url} download={name}>
              {name}
            </a>{" "}
            <span class="muted">
              {a.contentType} · {bytes(a.size)} · {a.disposition}
            </span>
            {INLINE_IMAGE.test(a.contentType.toLowerCase()) && (
              <img class="inline-image" src={url} alt={name} />
            )}
          </li>
        );
      })}
    </ul>
  );
}

function EnvelopeTab({ message }: { message: Detail }) {
  const e = message.envelope;
  if (!e) return <p class="muted">No SMTP envelope: this message was not received over SMTP.</p>;
  return (
    <dl class="envelope">
      <dt>MAIL FROM</dt>
      <dd>{e.mailFrom || "<> (null sender)"}</dd>
      <dt>RCPT TO</dt>
      <dd>{e.rcptTo.join(", ")}</dd>
      <dt>Client</dt>
      <dd>
        {e.clientAddress} (HELO {e.helo})
      </dd>
      <dt>TLS</dt>
      <dd>{e.tls ? "yes" : "no"}</dd>
      {e.authUser && (
        <>
          <dt>SMTP AUTH user</dt>
          <dd>{e.authUser}</dd>
        </>
      )}
    </dl>
  );
}
