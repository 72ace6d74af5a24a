import { useEffect, useState } from "preact/hooks";
import { ApiError, api, runPath } from "./api.js";
import { Connect } from "./connect.js";
import { href } from "./route.js";
import type { Sessions, SessionTranscript } from "./wire.js";

type Summary = Sessions["sessions"][number];

const time = (iso: string) => iso.slice(11, 23);

/**
 * The run's protocol sessions: a list (newest first) and the transcript of the one selected,
 * each line with its time and direction. Every text is rendered as text (Preact escapes it):
 * a transcript holds whatever a client sent.
 */
export function SessionsView({ run, session }: { run: string; session: string | undefined }) {
  const [list, setList] = useState<Summary[] | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  const [reload, setReload] = useState(0);

  useEffect(() => {
    let live = true;
    api<Sessions>(runPath(run, "/sessions"))
      .then((res) => live && setList(res.sessions))
      .catch(
        (err: unknown) =>
          live && setError(err instanceof ApiError ? err : new ApiError(0, "network", String(err))),
      );
    return () => {
      live = false;
    };
  }, [run, reload]);

  if (error && (error.status === 401 || error.status === 404)) {
    const reason =
      error.status === 401
        ? `No session for run ${run} in this browser (or it has ended): paste its token.`
        : `Run ${run} does not exist (it may have expired).`;
    return <Connect run={run} reason={reason} />;
  }

  return (
    <div class="shell sessions-shell">
      <header class="top">
        <a class="brand" href="#/">
          sandmail
        </a>
        <span class="run-id">
          run <code>{run}</code> · protocol sessions
        </span>
        <span class="spacer" />
        <button type="button" onClick={() => setReload((n) => n + 1)}>
          Refresh
        </button>
        <a class="button" href={href({ run })}>
          Back to mail
        </a>
      </header>
      <section class="middle" aria-label="Sessions">
        {error && <p class="error">Could not list the sessions: {error.message}</p>}
        {list === undefined && !error ? (
          <p class="muted">Loading…</p>
        ) : list && list.length === 0 ? (
          <div class="empty">
            <p>No sessions yet.</p>
            <p class="muted">
              SMTP, IMAP and POP3 sessions that log in to this run or deliver to it show up here once they
              end.
            </p>
          </div>
        ) : (
          <ul class="session-list" aria-label="Sessions">
            {list?.map((s) => (
              <li key={s.id}>
                <a
                  aria-current={s.id === session ? "page" : undefined}
                  href={href({ run, sessions: true, session: s.id })}
                  class={s.id === session ? "current" : ""}
                >
                  <span class="protocol">{s.protocol.toUpperCase()}</span>
                  <span class="who">{s.user ?? "(no login)"}</span>
                  <span class="muted">
                    {s.client} · {s.tls ? "TLS" : "plain"} · {s.commands} commands · {time(s.startedAt)}
                  </span>
                </a>
              </li>
            ))}
          </ul>
        )}
      </section>
      {session ? (
        <TranscriptView key={session} run={run} id={session} />
      ) : (
        <section class="view placeholder" aria-label="Transcript">
          <p class="muted">Select a session to read what was said.</p>
        </section>
      )}
    </div>
  );
}

function TranscriptView({ run, id }: { run: string; id: string }) {
  const [data, setData] = useState<SessionTranscript | undefined>();
  const [error, setError] = useState<string | undefined>();

  useEffect(() => {
    let live = true;
    api<SessionTranscript>(runPath(run, `/sessions/${encodeURIComponent(id)}`))
      .then((res) => live && setData(res))
      .catch((err: unknown) => live && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [run, id]);

  return (
    <section class="view transcript" aria-label="Transcript">
      {error && <p class="error">{error}</p>}
      {!data && !error && <p class="muted">Loading…</p>}
      {data && (
        <>
          <h2>
            {data.protocol.toUpperCase()} session <code>{data.id}</code>
          </h2>
          <p class="muted">
            {data.client} · {data.tls ? "TLS" : "no TLS"} · user {data.user ?? "(none)"} · {data.startedAt} to{" "}
            {data.endedAt}
            {data.omitted > 0 ? ` · ${data.omitted} lines omitted from the middle` : ""}
          </p>
          <a
            class="button"
            href={runPath(run, `/sessions/${encodeURIComponent(id)}`)}
            download={`session-${id}.json`}
          >
            Download JSON
          </a>
          <ol class="lines">
            {data.lines.map((l, i) => (
              <li key={i} class={l.from}>
                <span class="at">{time(l.at)}</span>
                <span class="dir">{l.from === "client" ? "C:" : "S:"}</span>
                <span class="text">{l.text}</span>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
