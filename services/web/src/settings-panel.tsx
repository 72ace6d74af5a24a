import { useEffect, useState } from "preact/hooks";
import { api, runPath } from "./api.js";
import { CopyButton } from "./copy-button.js";
import type { Settings } from "./wire.js";

function Row({ label, value, secret }: { label: string; value: string | number; secret?: boolean }) {
  const [shown, setShown] = useState(false);
  const text = String(value);
  return (
    <tr>
      <th scope="row">{label}</th>
      <td>
        <code>{secret && !shown ? "•".repeat(12) : text}</code>
      </td>
      <td class="row-actions">
        {secret && (
          <button
            type="button"
            aria-label={`${shown ? "Hide" : "Show"} ${label}`}
            onClick={() => setShown(!shown)}
          >
            {shown ? "Hide" : "Show"}
          </button>
        )}
        <CopyButton value={text} label={label} />
      </td>
    </tr>
  );
}

/** The run's SMTP and IMAP settings with copy buttons, and how to add the run to Thunderbird. */
export function SettingsPanel({
  run,
  domain,
  onClose,
}: {
  run: string;
  domain: string;
  onClose: () => void;
}) {
  const [settings, setSettings] = useState<Settings>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<Settings>(runPath(run, "/settings")).then(setSettings, (e: unknown) => setError(String(e)));
  }, [run]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [onClose]);

  const example = `alice@${domain}`;
  return (
    <div class="overlay">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="settings-title">
        <header class="dialog-head">
          <h2 id="settings-title">Connection settings</h2>
          <button type="button" onClick={onClose} aria-label="Close settings">
            ✕
          </button>
        </header>
        {error && <p class="error">{error}</p>}
        {settings && (
          <>
            <h3>SMTP (send mail into this run)</h3>
            <table class="settings">
              <tbody>
                <Row label="SMTP host" value={settings.smtp.host} />
                <Row label="SMTP port (STARTTLS)" value={settings.smtp.port} />
                <Row label="SMTP port (TLS)" value={settings.smtp.tlsPort} />
                <Row label="SMTP user" value={settings.smtp.username} />
                <Row label="SMTP password" value={settings.smtp.password} secret />
              </tbody>
            </table>
            <p class="muted">
              Or send to any address at <code>{domain}</code> without logging in.
            </p>
            {settings.imap && (
              <>
                <h3>IMAP (read it in a mail client)</h3>
                <table class="settings">
                  <tbody>
                    <Row label="IMAP host" value={settings.imap.host} />
                    {settings.imap.port !== undefined && (
                      <Row label="IMAP port (STARTTLS)" value={settings.imap.port} />
                    )}
                    {settings.imap.tlsPort !== undefined && (
                      <Row label="IMAP port (TLS)" value={settings.imap.tlsPort} />
                    )}
                    <Row label="IMAP user" value={example} />
                    <Row label="IMAP password" value={settings.imap.password} secret />
                  </tbody>
                </table>
                <h3>Thunderbird</h3>
                <ol class="steps">
                  <li>
                    <em>Account Settings → Account Actions → Add Mail Account</em>; name any, e-mail{" "}
                    <code>{example}</code> (one account per inbox address), password: the IMAP password above.
                  </li>
                  <li>
                    Choose <em>Configure manually</em>. Incoming: IMAP, server{" "}
                    <code>{settings.imap.host}</code>, port{" "}
                    <code>{settings.imap.port ?? settings.imap.tlsPort}</code>,{" "}
                    {settings.imap.port !== undefined ? "STARTTLS" : "SSL/TLS"}, normal password, user{" "}
                    <code>{example}</code>.
                  </li>
                  <li>
                    Outgoing: SMTP, server <code>{settings.smtp.host}</code>, port{" "}
                    <code>{settings.smtp.port}</code>, STARTTLS, normal password, user{" "}
                    <code>{settings.smtp.username}</code>.
                  </li>
                  <li>
                    <em>Re-test</em>, then <em>Done</em>; accept the self-signed certificate once (unless the
                    server was given its own).
                  </li>
                </ol>
              </>
            )}
          </>
        )}
      </div>
    </div>
  );
}
