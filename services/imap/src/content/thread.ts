/**
 * The THREAD algorithms of RFC 5256 §3 (ORDEREDSUBJECT and REFERENCES) and the THREAD response
 * format of §4, as pure functions over what they need from each message. Both pause on the
 * slicer between steps of work, and no step recurses: a reply chain of 100,000 messages is a
 * 100,000-deep tree.
 */
import type { BaseSubject } from "./base-subject.js";
import { slicedSort } from "./sliced-sort.js";
import type { TimeSlicer } from "./time-slice.js";

export interface ThreadMessage {
  /** What the response names the message by: its sequence number or its UID. */
  n: number;
  seq: number;
  subject: BaseSubject;
  /** Sent date in ms (RFC 5256 §2.2). */
  sent: number;
  /** The Message-ID's msg-id, when it has one. */
  messageId: string | undefined;
  /** The msg-ids of References, or else the first of In-Reply-To, oldest first. */
  references: string[];
}

export interface ThreadNode {
  /** Absent for a dummy (a message referred to but not present). */
  message?: ThreadMessage;
  parent?: ThreadNode;
  children: ThreadNode[];
}

const ID = /<([^<>]*)>/g;

/** The msg-ids in a Message-ID, References or In-Reply-To value (whitespace inside removed). */
export function messageIds(value: string | undefined): string[] {
  if (!value) return [];
  const out: string[] = [];
  for (const m of value.matchAll(ID)) {
    const id = m[1]!.replace(/\s+/g, "");
    // A msg-id is id-left "@" id-right; anything else in angle brackets is not one.
    const at = id.indexOf("@");
    if (at > 0 && at < id.length - 1) out.push(id);
  }
  return out;
}

function byDate(a: ThreadMessage, b: ThreadMessage): number {
  return a.sent - b.sent || a.seq - b.seq;
}

/** RFC 5256 ORDEREDSUBJECT: one thread per base subject, the oldest message its parent. */
export async function orderedSubject(
  messages: readonly ThreadMessage[],
  slicer: TimeSlicer,
): Promise<ThreadNode[]> {
  const sorted = await slicedSort(
    messages,
    (a, b) =>
      a.subject.subject < b.subject.subject ? -1 : a.subject.subject > b.subject.subject ? 1 : byDate(a, b),
    slicer,
  );
  const roots: ThreadNode[] = [];
  let root: ThreadNode | undefined;
  for (const m of sorted) {
    if (root && root.message!.subject.subject === m.subject.subject) {
      root.children.push({ message: m, parent: root, children: [] });
    } else {
      root = { message: m, children: [] };
      roots.push(root);
    }
  }
  return slicedSort(roots, (a, b) => byDate(a.message!, b.message!), slicer);
}

/**
 * Whether making `child` a child of `parent` would close a loop: `child` is `parent` or one of
 * its ancestors. A child without children of its own (the usual new message) cannot be an
 * ancestor, which keeps a long reply chain linear.
 */
function wouldLoop(parent: ThreadNode, child: ThreadNode): boolean {
  if (parent === child) return true;
  if (child.children.length === 0) return false;
  for (let n: ThreadNode | undefined = parent; n; n = n.parent) if (n === child) return true;
  return false;
}

function unlink(child: ThreadNode): void {
  const parent = child.parent;
  if (!parent) return;
  parent.children.splice(parent.children.indexOf(child), 1);
  child.parent = undefined;
}

function link(parent: ThreadNode, child: ThreadNode): void {
  child.parent = parent;
  parent.children.push(child);
}

/** The message a container stands for in steps 5 and 6: its own, or a dummy's first child's. */
function representative(node: ThreadNode): ThreadMessage | undefined {
  return node.message ?? node.children[0]?.message;
}

/** Step 4: dummies removed, their children promoted (at the root only when there is one). */
function prune(roots: ThreadNode[]): ThreadNode[] {
  const out: ThreadNode[] = [];
  const stack: ThreadNode[] = [];
  const pruneLevel = (siblings: ThreadNode[], atRoot: boolean): ThreadNode[] => {
    const kept: ThreadNode[] = [];
    const todo = siblings.slice().reverse();
    for (let node = todo.pop(); node; node = todo.pop()) {
      if (!node.message && node.children.length === 0) continue;
      if (!node.message && (!atRoot || node.children.length === 1)) {
        // Splice the children in where the dummy was; they are looked at again at this level.
        for (let i = node.children.length - 1; i >= 0; i--) todo.push(node.children[i]!);
        continue;
      }
      kept.push(node);
      stack.push(node);
    }
    if (atRoot) for (const node of kept) node.parent = undefined;
    return kept;
  };
  out.push(...pruneLevel(roots, true));
  for (let node = stack.pop(); node; node = stack.pop()) {
    const children = pruneLevel(node.children, false);
    for (const c of children) c.parent = node;
    node.children = children;
  }
  return out;
}

/**
 * Step 5: threads whose roots share a base subject are gathered. The roots come sorted by date
 * (as Dovecot walks them; the RFC leaves the order open, and the result depends on it): a reply
 * older than the second non-reply of its subject becomes the first one's child, a later one a
 * sibling under the dummy that the second non-reply brought.
 */
function groupBySubject(roots: ThreadNode[]): ThreadNode[] {
  const table = new Map<string, ThreadNode>();
  for (const node of roots) {
    const m = representative(node);
    if (!m || m.subject.subject === "") continue;
    const old = table.get(m.subject.subject);
    if (
      !old ||
      (!node.message && old.message) ||
      (node.message && old.message?.subject.reply && !m.subject.reply)
    ) {
      table.set(m.subject.subject, node);
    }
  }
  const out: ThreadNode[] = [];
  for (const node of roots) {
    const m = representative(node);
    const subject = m?.subject.subject ?? "";
    const entry = subject !== "" ? table.get(subject) : undefined;
    if (!entry || entry === node) {
      out.push(node);
      continue;
    }
    if (!node.message && !entry.message) {
      for (const c of node.children.slice()) link(entry, c);
      node.children = [];
    } else if (!entry.message) {
      link(entry, node);
    } else if (node.message && !entry.message.subject.reply && node.message.subject.reply) {
      link(entry, node);
    } else {
      // Both replies or neither: siblings under a new dummy that takes the entry's place.
      const dummy: ThreadNode = { children: [] };
      const at = out.indexOf(entry);
      if (at === -1) out.push(dummy);
      else out[at] = dummy;
      link(dummy, entry);
      link(dummy, node);
      table.set(subject, dummy);
    }
  }
  return out;
}

/** RFC 5256 REFERENCES (the JWZ algorithm), steps 1 to 6. */
export async function references(
  messages: readonly ThreadMessage[],
  slicer: TimeSlicer,
): Promise<ThreadNode[]> {
  const byId = new Map<string, ThreadNode>();
  const all: ThreadNode[] = [];
  const container = (id: string): ThreadNode => {
    let node = byId.get(id);
    if (!node) {
      node = { children: [] };
      byId.set(id, node);
      all.push(node);
    }
    return node;
  };
  for (const m of messages) {
    // 1.A: the message's container; a missing or duplicate Message-ID gets one of its own.
    let own = m.messageId === undefined ? undefined : byId.get(m.messageId);
    if (own?.message) own = undefined;
    if (!own) {
      own = { children: [] };
      all.push(own);
      if (m.messageId !== undefined && !byId.has(m.messageId)) byId.set(m.messageId, own);
    }
    own.message = m;
    // 1.B: the References chain, linked where it neither relinks nor loops.
    let prev: ThreadNode | undefined;
    for (const id of m.references) {
      const node = container(id);
      if (prev && !node.parent && !wouldLoop(prev, node)) link(prev, node);
      prev = node;
    }
    // 1.C: the last reference is the parent, replacing what the chain presumed.
    unlink(own);
    if (prev && !wouldLoop(prev, own)) link(prev, own);
    if (slicer.due()) await slicer.pause();
  }
  // 2-4: the root set, without dummies.
  const roots = prune(all.filter((n) => !n.parent));
  // 6 before 5: gathering walks the roots by date; then 6 again for what gathering moved.
  const grouped = groupBySubject(await sortThreads(roots, slicer));
  return sortThreads(grouped, slicer);
}

/** Step 6: every set of siblings by sent date (a dummy by its first child), roots last. */
async function sortThreads(roots: ThreadNode[], slicer: TimeSlicer): Promise<ThreadNode[]> {
  const order: ThreadNode[] = [];
  const stack = roots.slice();
  for (let node = stack.pop(); node; node = stack.pop()) {
    order.push(node);
    stack.push(...node.children);
  }
  const compare = (a: ThreadNode, b: ThreadNode) => {
    const x = representative(a);
    const y = representative(b);
    return x && y ? byDate(x, y) : 0;
  };
  for (let i = order.length - 1; i >= 0; i--) {
    const node = order[i]!;
    if (node.children.length > 1) node.children = await slicedSort(node.children, compare, slicer);
    if (slicer.due()) await slicer.pause();
  }
  return slicedSort(roots, compare, slicer);
}

/** The THREAD response data (RFC 5256 §4): `(1 2 (3)(4 5))(6)` for the given roots. */
export function formatThreads(roots: readonly ThreadNode[]): string {
  const out: string[] = [];
  const stack: Array<ThreadNode | string> = roots.slice().reverse();
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === "string") {
      out.push(item);
      continue;
    }
    out.push("(");
    let node = item;
    let first = true;
    for (;;) {
      if (node.message) {
        if (!first) out.push(" ");
        out.push(String(node.message.n));
        first = false;
      }
      if (node.children.length !== 1) break;
      node = node.children[0]!;
    }
    stack.push(")");
    if (node.children.length > 1) {
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
      if (!first) stack.push(" ");
    }
  }
  return out.join("");
}
