import { useCallback, useEffect, useState } from "preact/hooks";
import { api, runPath } from "./api.js";
import { Connect } from "./connect.js";
import { MessageList } from "./message-list.js";
import { MessageView } from "./message-view.js";
import { href, navigate } from "./route.js";
import { closeSession } from "./session.js";
import { SettingsPanel } from "./settings-panel.js";
import { applyTheme, currentTheme, nextTheme } from "./theme.js";
import { type Scope, useRun } from "./use-run.js";

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/** The run's own addresses by their local part (the domain is the run's); others in full. */
function shortAddress(address: string, domain: string | undefined): string {
  return domain && address.endsWith(`@${domain}`) ? address.slice(0, -domain.length - 1) : address;
}

export function RunView({ run, message }: { run: string; message: string | undefined }) {
  const [scope, setScope] = useState<Scope>({});
  const [query, setQuery] = useState("");
  const [typed, setTyped] = useState("");
  const [settings, setSettings] = useState(false);
  const [theme, setTheme] = useState(currentTheme());
  const state = useRun(run, scope, query);
  const { messages } = state;
  const summary = messages.find((m) => m.id === message);

  // Search as you type, once typing pauses.
  useEffect(() => {
    const t = setTimeout(() => setQuery(typed), 250);
    return () => clearTimeout(t);
  }, [typed]);

  const open = useCallback(
    (id: string | undefined) => navigate({ run, ...(id ? { message: id } : {}) }),
    [run],
  );

  const remove = useCallback(
    async (id: string) => {
      const index = messages.findIndex((m) => m.id === id);
      await api(runPath(run, `/messages/${encodeURIComponent(id)}`), { method: "DELETE" });
      state.remove(id);
      const next = messages[index + 1] ?? messages[index - 1];
      open(next && next.id !== id ? next.id : undefined);
    },
    [messages, run, open, state.remove],
  );

  // j/k move, Enter opens (narrow screens show one pane), Delete deletes, / searches.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey || settings || isTyping(e.target)) return;
      const index = messages.findIndex((m) => m.id === message);
      if (e.key === "j" || e.key === "k") {
        const next = messages[e.key === "j" ? index + 1 : Math.max(0, index - 1)];
        if (next) open(next.id);
        e.preventDefault();
      } else if (e.key === "Enter" && message) {
        document.body.classList.add("reading");
        document.querySelector<HTMLElement>(".view")?.focus();
      } else if ((e.key === "Delete" || e.key === "Backspace") && message) {
        e.preventDefault();
        void remove(message);
      } else if (e.key === "/") {
        e.preventDefault();
        document.getElementById("search")?.focus();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [messages, message, open, remove, settings]);

  useEffect(() => {
    document.body.classList.toggle("reading", message !== undefined);
  }, [message]);

  if (state.error) {
    const reason =
      state.error.status === 401
        ? `No session for run ${run} in this browser (or it has ended): paste its token.`
        : state.error.status === 404
          ? `Run ${run} does not exist (it may have expired).`
          : `Could not read run ${run}: ${state.error.message}`;
    return <Connect run={run} reason={reason} />;
  }

  const select = (next: Scope) => {
    setScope(next);
    open(undefined);
  };
  const signOut = async () => {
    await closeSession(run);
    navigate({});
  };

  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/">
          sandmail
        </a>
        <span class="run-id" title={state.run?.label}>
          run <code>{run}</code>
          {state.run?.label ? ` · ${state.run.label}` : ""}
        </span>
        <span class={`live ${state.live ? "on" : "off"}`} role="status">
          {state.deleted ? "run deleted" : state.live ? "live" : "connecting…"}
        </span>
        <span class="spacer" />
        <a class="button" href={href({ run, sessions: true })}>
          Sessions
        </a>
        <button type="button" onClick={() => setSettings(true)}>
          SMTP/IMAP settings
        </button>
        <button
          type="button"
          aria-label={`Theme: ${theme}`}
          onClick={() => {
            const t = nextTheme(theme);
            applyTheme(t);
            setTheme(t);
          }}
        >
          {theme === "auto" ? "◐ auto" : theme === "dark" ? "● dark" : "○ light"}
        </button>
        <button type="button" onClick={signOut}>
          Close run
        </button>
      </header>
      <nav class="side" aria-label="Inboxes and folders">
        <ul>
          <li>
            <button
              type="button"
              class={!scope.inbox ? "current" : ""}
              aria-current={!scope.inbox}
              onClick={() => select({})}
            >
              <span>All inboxes</span>
              <span class="count">{state.run?.counts.messages ?? ""}</span>
            </button>
          </li>
          {state.inboxes.map((inbox) => (
            <li key={inbox.address}>
              <button
                type="button"
                class={scope.inbox === inbox.address && !scope.mailbox ? "current" : ""}
                aria-current={scope.inbox === inbox.address && !scope.mailbox}
                onClick={() => select({ inbox: inbox.address })}
                title={inbox.address}
                aria-label={`${inbox.address}${inbox.unseen ? `, ${inbox.unseen} unread` : ""}`}
              >
                <span class={`addr${inbox.unseen ? " unread" : ""}`}>
                  {shortAddress(inbox.address, state.run?.domain)}
                </span>
                <UnreadCount count={inbox.unseen} />
              </button>
              {scope.inbox === inbox.address && state.folders.length > 0 && (
                <ul class="folders">
                  {state.folders.map((f) => (
                    <li key={f.name}>
                      <button
                        type="button"
                        class={scope.mailbox === f.name ? "current" : ""}
                        aria-current={scope.mailbox === f.name}
                        onClick={() => select({ inbox: inbox.address, mailbox: f.name })}
                      >
                        <span class={f.unseen ? "unread" : ""}>{f.name}</span>
                        <UnreadCount count={f.unseen} />
                      </button>
                    </li>
                  ))}
                </ul>
              )}
            </li>
          ))}
        </ul>
      </nav>
      <section class="middle" aria-label="Message list">
        <div class="searchbar">
          <label for="search" class="visually-hidden">
            Search messages
          </label>
          <input
            id="search"
            type="search"
            placeholder="Search subject, or to: from: text: is:unread"
            title={
              'Words search the subject; to:, from:, subject:, text:, header: take the wait criteria (/re/i, "exact"); is:unread'
            }
            value={typed}
            onInput={(e) => setTyped(e.currentTarget.value)}
          />
        </div>
        <p class="list-status muted" aria-live="polite">
          {state.loading && messages.length === 0
            ? "Loading…"
            : `${messages.length} message${messages.length === 1 ? "" : "s"}${state.loading ? " (loading more…)" : ""}`}
        </p>
        {messages.length === 0 && !state.loading ? (
          <div class="empty">
            <p>No mail here yet.</p>
            <p class="muted">
              Send to any address at <code>{state.run?.domain}</code>; it shows up here at once.
            </p>
          </div>
        ) : (
          <MessageList run={run} messages={messages} selected={message} onSelect={open} />
        )}
      </section>
      {message ? (
        <MessageView
          key={message}
          run={run}
          id={message}
          summary={summary}
          onChanged={state.patch}
          onDeleted={() => {
            state.remove(message);
            open(undefined);
          }}
          onClose={() => open(undefined)}
        />
      ) : (
        <section class="view placeholder" aria-label="Message">
          <p class="muted">Select a message (j/k to move, Enter to read, Delete to delete).</p>
        </section>
      )}
      {settings && state.run && (
        <SettingsPanel run={run} domain={state.run.domain} onClose={() => setSettings(false)} />
      )}
    </div>
  );
}

/** The unread badge of an inbox or folder; nothing when all is read. */
function UnreadCount({ count }: { count: number }) {
  if (count <= 0) return null;
  return (
    <span class="count">
      {count}
      <span class="visually-hidden"> unread</span>
    </span>
  );
}
