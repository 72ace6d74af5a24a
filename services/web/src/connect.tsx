import { useState } from "preact/hooks";
import { navigate } from "./route.js";
import { RunList } from "./run-list.js";
import { knownRuns, openSession, parseCredentials } from "./session.js";

/** Paste a run id and token (or the run's whole link) to open it; or pick a run opened before. */
export function Connect({
  run: presetRun,
  reason,
}: {
  run?: string | undefined;
  reason?: string | undefined;
}) {
  const [run, setRun] = useState(presetRun ?? "");
  const [token, setToken] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const known = knownRuns();

  const submit = async (e: Event) => {
    e.preventDefault();
    const fromLink = parseCredentials(run.trim());
    const credentials = fromLink ?? { run: run.trim(), token: token.trim() };
    if (!credentials.run || !credentials.token) {
      setError("Enter the run id and its token, or paste the run's link.");
      return;
    }
    setBusy(true);
    setError(undefined);
    try {
      await openSession(credentials);
      setToken("");
      navigate({ run: credentials.run });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="connect">
      <h1>sandmail</h1>
      <p>
        Open a run with the link <code>sandmail run create</code> or <code>POST /v1/runs</code> gave you (its{" "}
        <code>uiUrl</code>), or paste its id and token here.
      </p>
      {reason && (
        <p class="notice" role="status">
          {reason}
        </p>
      )}
      <form onSubmit={submit}>
        <label for="run-id">Run id (or the run's link)</label>
        <input
          id="run-id"
          name="run"
          autocomplete="off"
          spellcheck={false}
          value={run}
          onInput={(e) => setRun(e.currentTarget.value)}
        />
        <label for="run-token">Token</label>
        <input
          id="run-token"
          name="token"
          type="password"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy}>
          Open run
        </button>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
      {known.length > 0 && (
        <section aria-labelledby="known-title">
          <h2 id="known-title">Runs opened in this browser</h2>
          <ul class="known">
            {known.map((id) => (
              <li key={id}>
                <a href={`#/r/${encodeURIComponent(id)}`}>{id}</a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <RunList />
    </main>
  );
}
