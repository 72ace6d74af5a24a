/** The one table of commands the dispatcher consults. */
import append from "./append.js";
import authenticate from "./authenticate.js";
import cancelUpdate from "./cancelupdate.js";
import capability from "./capability.js";
import check from "./check.js";
import compress from "./compress.js";
import { copy, move } from "./copy.js";
import enable from "./enable.js";
import { close, expunge, unselect } from "./expunge.js";
import fetch from "./fetch.js";
import id from "./id.js";
import idle from "./idle.js";
import { list, lsub, xlist } from "./list.js";
import login from "./login.js";
import logout from "./logout.js";
import { create, del, rename, subscribe, unsubscribe } from "./mailboxes.js";
import namespace from "./namespace.js";
import noop from "./noop.js";
import { getQuota, getQuotaRoot, setQuota } from "./quota.js";
import search from "./search.js";
import { examine, select } from "./select.js";
import sort from "./sort.js";
import starttls from "./starttls.js";
import status from "./status.js";
import store from "./store.js";
import thread from "./thread.js";
import type { CommandSpec } from "./types.js";

const all: CommandSpec[] = [
  capability,
  noop,
  logout,
  starttls,
  compress,
  authenticate,
  login,
  select,
  examine,
  create,
  del,
  rename,
  subscribe,
  unsubscribe,
  list,
  lsub,
  xlist,
  status,
  append,
  check,
  close,
  expunge,
  search,
  sort,
  cancelUpdate,
  thread,
  fetch,
  store,
  copy,
  move,
  idle,
  namespace,
  id,
  enable,
  unselect,
  getQuotaRoot,
  getQuota,
  setQuota,
];

export const commands: ReadonlyMap<string, CommandSpec> = new Map(all.map((c) => [c.name, c]));

/** What CAPABILITY lists; only fully implemented extensions appear. */
export function capabilityList(options: { tls: boolean; appendLimit: number }): string[] {
  return [
    "IMAP4rev1",
    // RFC 9051, beside rev1 (imaplib needs IMAP4REV1); a session turns it on with ENABLE IMAP4rev2.
    "IMAP4rev2",
    ...(options.tls ? [] : ["STARTTLS"]),
    "AUTH=PLAIN",
    "SASL-IR",
    "LITERAL+",
    "ID",
    "ENABLE",
    "IDLE",
    "NAMESPACE",
    "UIDPLUS",
    "MULTIAPPEND",
    "CATENATE",
    "BINARY",
    "MOVE",
    "UNSELECT",
    "CHILDREN",
    "CONDSTORE",
    "QRESYNC",
    "ESEARCH",
    "SEARCHRES",
    "SORT",
    "SORT=DISPLAY",
    "ESORT",
    "CONTEXT=SEARCH",
    "CONTEXT=SORT",
    "THREAD=ORDEREDSUBJECT",
    "THREAD=REFERENCES",
    "SPECIAL-USE",
    "LIST-EXTENDED",
    "LIST-STATUS",
    "STATUS=SIZE",
    "QUOTA",
    "QUOTA=RES-STORAGE",
    "QUOTA=RES-MESSAGE",
    "XLIST",
    "COMPRESS=DEFLATE",
    "UTF8=ACCEPT",
    `APPENDLIMIT=${options.appendLimit}`,
  ];
}
