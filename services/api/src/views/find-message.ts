import { type Run, SandmailError, type StoredMessage } from "@sandmail/core";
import type { MailStore } from "@sandmail/store";

/** The run's message `id`, or the 404 every message route answers when it is not there. */
export async function findMessage(
  store: MailStore,
  run: Pick<Run, "id">,
  id: string,
): Promise<StoredMessage> {
  const msg = await store.getMessage(run.id, id);
  if (!msg) throw new SandmailError("message_not_found", `message ${id} not found in run ${run.id}`);
  return msg;
}
