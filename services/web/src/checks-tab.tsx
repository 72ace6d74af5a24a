import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "./api.js";
import type { HtmlCheck, LinkCheck, SpamCheck } from "./wire.js";

type Loaded<T> =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "done"; value: T }
  | { state: "error"; text: string };

const why = (err: unknown) => (err instanceof ApiError ? err.message : String(err));
const CLIENT_FAMILIES = ["gmail", "outlook", "apple-mail", "yahoo"];

/**
 * The server's three message checks. The HTML check runs on opening (it only reads the message);
 * the link check contacts other hosts and the spam check an engine, so each waits for a click.
 */
export function ChecksTab({ base }: { base: string }) {
  const [html, setHtml] = useState<Loaded<HtmlCheck>>({ state: "loading" });
  const [links, setLinks] = useState<Loaded<LinkCheck>>({ state: "idle" });
  const [spam, setSpam] = useState<Loaded<SpamCheck>>({ state: "idle" });

  useEffect(() => {
    setHtml({ state: "loading" });
    setLinks({ state: "idle" });
    setSpam({ state: "idle" });
    api<HtmlCheck>(`${base}/checks/html?clients=${CLIENT_FAMILIES.join(",")}`).then(
      (value) => setHtml({ state: "done", value }),
      (err: unknown) => setHtml({ state: "error", text: why(err) }),
    );
  }, [base]);

  const runLinks = () => {
    setLinks({ state: "loading" });
    api<LinkCheck>(`${base}/checks/links`, { method: "POST" }).then(
      (value) => setLinks({ state: "done", value }),
      (err: unknown) => setLinks({ state: "error", text: why(err) }),
    );
  };
  const runSpam = () => {
    setSpam({ state: "loading" });
    api<SpamCheck>(`${base}/checks/spam`).then(
      (value) => setSpam({ state: "done", value }),
      (err: unknown) => setSpam({ state: "error", text: why(err) }),
    );
  };

  return (
    <div class="checks">
      <section aria-labelledby="check-html">
        <h3 id="check-html">HTML compatibility</h3>
        <Status loaded={html} />
        {html.state === "done" && <HtmlResult check={html.value} />}
      </section>
      <section aria-labelledby="check-links">
        <h3 id="check-links">Link health</h3>
        <button type="button" onClick={runLinks} disabled={links.state === "loading"}>
          Check links
        </button>
        <Status loaded={links} />
        {links.state === "done" && <LinksResult check={links.value} />}
      </section>
      <section aria-labelledby="check-spam">
        <h3 id="check-spam">Spam score</h3>
        <button type="button" onClick={runSpam} disabled={spam.state === "loading"}>
          Check spam score
        </button>
        <Status loaded={spam} />
        {spam.state === "done" && <SpamResult check={spam.value} />}
      </section>
    </div>
  );
}

function Status({ loaded }: { loaded: Loaded<unknown> }) {
  if (loaded.state === "loading") return <p class="muted">Checking…</p>;
  if (loaded.state === "error") return <p class="notice">{loaded.text}</p>;
  return null;
}

function HtmlResult({ check }: { check: HtmlCheck }) {
  if (check.warnings.length === 0) {
    return (
      <p class="result result-pass">Score {check.score}: every checked client supports everything used.</p>
    );
  }
  return (
    <>
      <p>
        Score <strong class="check-score">{check.score}</strong> for {CLIENT_FAMILIES.join(", ")}:{" "}
        {check.warnings.length} warning(s)
      </p>
      <table class="check-table">
        <thead>
          <tr>
            <th scope="col">Feature</th>
            <th scope="col">Used</th>
            <th scope="col">Clients without full support</th>
          </tr>
        </thead>
        <tbody>
          {check.warnings.map((w) => (
            <tr key={w.feature}>
              <td>
                {w.url ? (
                  <a href={w.url} target="_blank" rel="noopener noreferrer">
                    {w.title}
                  </a>
                ) : (
                  w.title
                )}
              </td>
              <td>{w.count}×</td>
              <td>
                {Object.entries(w.support).map(([client, level]) => (
                  <span key={client} class={`support support-${level}`}>
                    {client} {level}
                  </span>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function LinksResult({ check }: { check: LinkCheck }) {
  if (check.links.length === 0) return <p class="muted">No links to check.</p>;
  return (
    <table class="check-table">
      <tbody>
        {check.links.map((l) => {
          const bad = l.error !== null || l.status === null || l.status >= 400;
          return (
            <tr key={l.url}>
              <td class={`result ${bad ? "result-fail" : "result-pass"}`}>{l.error ?? l.status}</td>
              <td class="url">
                {l.url}
                {l.redirects.length > 0 && (
                  <span class="muted">
                    {" "}
                    → {l.redirects.length} redirect(s) → {l.finalUrl}
                  </span>
                )}
              </td>
              <td class="muted">{l.durationMs} ms</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function SpamResult({ check }: { check: SpamCheck }) {
  return (
    <>
      <p class={`result ${check.isSpam ? "result-fail" : "result-pass"}`}>
        {check.engine}: score {check.score} of {check.threshold} ({check.isSpam ? "spam" : "not spam"})
      </p>
      <table class="check-table">
        <tbody>
          {check.rules
            .filter((r) => r.score !== 0)
            .map((r) => (
              <tr key={r.name}>
                <td>{r.score}</td>
                <td>{r.name}</td>
                <td class="muted">{r.description}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </>
  );
}
