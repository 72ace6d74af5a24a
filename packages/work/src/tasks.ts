import { checkHtml, type EmailClient, type HtmlCheck, type HtmlMessageParts } from "@sandmail/checks";

/** What a worker can be asked to do; each takes and returns structured-cloneable values. */
export const TASKS = {
  checkHtml: ({ parts, clients }: { parts: HtmlMessageParts; clients: EmailClient[] }): HtmlCheck =>
    checkHtml(parts, clients),
};

export type TaskName = keyof typeof TASKS;
export type TaskInput<N extends TaskName> = Parameters<(typeof TASKS)[N]>[0];
export type TaskOutput<N extends TaskName> = Awaited<ReturnType<(typeof TASKS)[N]>>;
