import { useEffect, useState } from "preact/hooks";
import { ApiError, api } from "./api.js";
import { navigate } from "./route.js";
import { openSession } from "./session.js";
import type { RunList as RunListBody } from "./wire.js";

type Row = RunListBody["runs"][number];

/**
 * The operator's list of every run (GET /v1/runs). A server bound to loopback without an API key
 * answers it straight away; otherwise the key is asked for and kept in this component only, never
 * stored. Opening a run trades its token for the run's session cookie, like the run's own link.
 */
export function RunList() {
  const [key, setKey] = useState("");
  const [rows, setRows] = useState<Row[]>();
  const [needsKey, setNeedsKey] = useState(false);
  const [error, setError] = useState<string>();

  const load = async (apiKey?: string) => {
    try {
      const body = await api<RunListBody>("/v1/runs", {
        headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
      });
      setRows(body.runs);
      setError(undefined);
    } catch (err) {
      setRows(undefined);
      if (!apiKey && err instanceof ApiError && (err.status === 401 || err.status === 403)) setNeedsKey(true);
      else setError(err instanceof Error ? err.message : String(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  const open = async (row: Row) => {
    try {
      await openSession({ run: row.id, token: row.token });
      navigate({ run: row.id });
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };

  return (
    <section aria-labelledby="runs-title" class="run-list">
      <h2 id="runs-title">All runs</h2>
      {needsKey && !rows && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void load(key.trim());
          }}
        >
          <label for="api-key">API key (SANDMAIL_API_KEY) to list every run</label>
          <input
            id="api-key"
            type="password"
            autocomplete="off"
            value={key}
            onInput={(e) => setKey(e.currentTarget.value)}
          />
          <button type="submit">List runs</button>
        </form>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {rows && rows.length === 0 && <p class="muted">No runs yet.</p>}
      {rows && rows.length > 0 && (
        <table>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Label</th>
              <th scope="col">Messages</th>
              <th scope="col">Inboxes</th>
              <th scope="col">Expires</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td>
                  <button type="button" class="link" onClick={() => void open(row)}>
                    {row.id}
                  </button>
                </td>
                <td>{row.label ?? ""}</td>
                <td>{row.counts.messages}</td>
                <td>{row.counts.inboxes}</td>
                <td>
                  <time dateTime={row.expiresAt}>{new Date(row.expiresAt).toLocaleString()}</time>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
