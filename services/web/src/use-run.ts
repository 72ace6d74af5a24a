import { useCallback, useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, runPath } from "./api.js";
import { searchParams } from "./search.js";
import type { Folders, Inboxes, Page, Run, StreamEvent, Summary } from "./wire.js";

export interface Scope {
  inbox?: string;
  mailbox?: string;
}

export interface RunState {
  run?: Run;
  /** Set when the run cannot be read: no session (401), gone (404), or another failure. */
  error?: ApiError;
  inboxes: Inboxes["inboxes"];
  folders: Folders["folders"];
  messages: Summary[];
  loading: boolean;
  /** Whether the event stream is connected. */
  live: boolean;
  deleted: boolean;
  /** Applies a summary the page changed itself (the stream confirms it shortly after). */
  patch(summary: Summary): void;
  remove(id: string): void;
}

const PAGE = 500;

function flagsView(summary: Summary, flags: string[]): Summary {
  return { ...summary, flags, seen: flags.includes("\\Seen"), flagged: flags.includes("\\Flagged") };
}

/**
 * A run as the page shows it: info, inboxes and folders with unread counts, and the messages in
 * scope. The server is the source of truth: everything loads from the API and the run's event
 * stream keeps it current (mail arriving, flags, moves and deletions made anywhere).
 */
export function useRun(runId: string, scope: Scope, query: string): RunState {
  const [run, setRun] = useState<Run>();
  const [error, setError] = useState<ApiError>();
  const [inboxes, setInboxes] = useState<Inboxes["inboxes"]>([]);
  const [folders, setFolders] = useState<Folders["folders"]>([]);
  const [messages, setMessages] = useState<Summary[]>([]);
  const [loading, setLoading] = useState(true);
  const [live, setLive] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const generation = useRef(0);
  const scopeKey = `${scope.inbox ?? ""}\n${scope.mailbox ?? ""}\n${query}`;

  const fail = useCallback((err: unknown) => {
    if (err instanceof ApiError) setError(err);
    else setError(new ApiError(0, "network", err instanceof Error ? err.message : String(err)));
  }, []);

  const loadCounts = useCallback(async () => {
    const [info, list] = await Promise.all([
      api<Run>(runPath(runId)),
      api<Inboxes>(runPath(runId, "/inboxes")),
    ]);
    setRun(info);
    setInboxes(list.inboxes);
    if (scope.inbox) {
      const f = await api<Folders>(
        runPath(runId, `/inboxes/${encodeURIComponent(scope.inbox)}/folders`),
      ).catch(() => ({ folders: [] }));
      setFolders(f.folders);
    } else setFolders([]);
  }, [runId, scope.inbox]);

  const loadMessages = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    const params = searchParams(query);
    if (scope.inbox) params.set("inbox", scope.inbox);
    if (scope.mailbox) params.set("mailbox", scope.mailbox);
    params.set("limit", String(PAGE));
    let all: Summary[] = [];
    let cursor: number | undefined;
    do {
      if (cursor !== undefined) params.set("cursor", String(cursor));
      const page = await api<Page>(`${runPath(runId, "/messages")}?${params}`);
      if (mine !== generation.current) return;
      all = all.concat(page.messages);
      // Show the newest page at once; older ones fill in behind it.
      setMessages(all);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    setLoading(false);
  }, [runId, scopeKey]);

  // Bursts of events (a test suite sending 100 mails) cost one refresh, not 100.
  const refreshTimer = useRef<number | undefined>(undefined);
  const refreshList = useRef(false);
  const scheduleRefresh = useCallback(
    (list: boolean) => {
      refreshList.current ||= list;
      if (refreshTimer.current !== undefined) return;
      refreshTimer.current = window.setTimeout(() => {
        refreshTimer.current = undefined;
        const withList = refreshList.current;
        refreshList.current = false;
        loadCounts().catch(fail);
        if (withList) loadMessages().catch(fail);
      }, 150);
    },
    [loadCounts, loadMessages, fail],
  );

  useEffect(() => {
    setError(undefined);
    loadCounts().catch(fail);
  }, [loadCounts, fail]);

  useEffect(() => {
    loadMessages().catch(fail);
  }, [loadMessages, fail]);

  const filtered = query.trim() !== "" || scope.mailbox !== undefined;
  useEffect(() => {
    const source = new EventSource(runPath(runId, "/events"));
    source.onopen = () => setLive(true);
    source.onerror = () => setLive(false);
    const on = (type: StreamEvent["type"], handle: (event: StreamEvent) => void) =>
      source.addEventListener(type, (e) =>
        handle(JSON.parse((e as MessageEvent<string>).data) as StreamEvent),
      );
    on("message.added", (event) => {
      if (event.type !== "message.added") return;
      const summary = event.message;
      const inScope = summary && (!scope.inbox || summary.inbox === scope.inbox.toLowerCase());
      if (summary && inScope && !filtered) {
        setMessages((list) =>
          list.some((m) => m.id === summary.id) ? list : [summary, ...list].sort((a, b) => b.seq - a.seq),
        );
        scheduleRefresh(false);
      } else scheduleRefresh(filtered);
    });
    on("message.flags", (event) => {
      if (event.type !== "message.flags") return;
      setMessages((list) => list.map((m) => (m.id === event.messageId ? flagsView(m, event.flags) : m)));
      scheduleRefresh(query.includes("is:"));
    });
    on("message.expunged", (event) => {
      if (event.type !== "message.expunged") return;
      setMessages((list) => list.filter((m) => m.id !== event.messageId));
      scheduleRefresh(false);
    });
    for (const type of [
      "message.moved",
      "mailbox.created",
      "mailbox.deleted",
      "mailbox.renamed",
      "reset",
    ] as const)
      on(type, () => scheduleRefresh(true));
    on("run.deleted", () => {
      setDeleted(true);
      source.close();
    });
    return () => source.close();
  }, [runId, scopeKey, scheduleRefresh]);

  return {
    ...(run ? { run } : {}),
    ...(error ? { error } : {}),
    inboxes,
    folders,
    messages,
    loading,
    live,
    deleted,
    patch: (summary) => setMessages((list) => list.map((m) => (m.id === summary.id ? summary : m))),
    remove: (id) => setMessages((list) => list.filter((m) => m.id !== id)),
  };
}
