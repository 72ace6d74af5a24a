import { useEffect, useRef, useState } from "preact/hooks";
import { href } from "./route.js";
import type { Summary } from "./wire.js";

/** Every row is this tall, so the list draws only the rows in view (smooth at 10,000 and more). */
const ROW_HEIGHT = 56;
const OVERSCAN = 8;

function sender(m: Summary): string {
  return m.from ? m.from.name || m.from.address : "(no sender)";
}

function when(m: Summary): string {
  const d = new Date(m.receivedAt);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" }) : d.toLocaleDateString();
}

export function MessageList({
  run,
  messages,
  selected,
  onSelect,
}: {
  run: string;
  messages: Summary[];
  selected: string | undefined;
  onSelect: (id: string) => void;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Keep the selected row in view when j/k move past the edge.
  useEffect(() => {
    const el = box.current;
    const index = messages.findIndex((m) => m.id === selected);
    if (!el || index < 0) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [selected, messages]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(messages.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const rows = messages.slice(first, last);

  return (
    <div
      ref={box}
      class="list"
      role="listbox"
      aria-label="Messages"
      tabIndex={0}
      {...(selected ? { "aria-activedescendant": `row-${selected}` } : {})}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
    >
      <div class="list-spacer" style={{ height: `${messages.length * ROW_HEIGHT}px` }}>
        {rows.map((m, i) => (
          <a
            key={m.id}
            id={`row-${m.id}`}
            role="option"
            aria-selected={m.id === selected}
            href={href({ run, message: m.id })}
            class={`row${m.seen ? "" : " unread"}${m.id === selected ? " selected" : ""}`}
            style={{ transform: `translateY(${(first + i) * ROW_HEIGHT}px)` }}
            onClick={(e) => {
              e.preventDefault();
              onSelect(m.id);
            }}
            data-id={m.id}
          >
            <span class="row-from">
              {m.flagged && (
                <span class="flag" role="img" aria-label="flagged">
                  ★
                </span>
              )}
              {sender(m)}
            </span>
            <time class="row-date" dateTime={m.receivedAt}>
              {when(m)}
            </time>
            <span class="row-subject">{m.subject || "(no subject)"}</span>
            <span class="row-to">
              {m.inbox}
              {m.mailbox !== "INBOX" ? ` · ${m.mailbox}` : ""}
            </span>
          </a>
        ))}
      </div>
    </div>
  );
}
