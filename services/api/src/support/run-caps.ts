import { SandmailError } from "@sandmail/core";
import { KeyedSlots } from "@sandmail/runtime";

/**
 * A per-run cap on something a request holds open (waits, event streams): `take` gives the slot's
 * release, or throws the 429 problem with the cap's stable code, naming the setting that raises it.
 */
export function runCap(
  max: number,
  code: "too_many_waits" | "too_many_streams",
  what: string,
  setting: string,
) {
  const slots = new KeyedSlots(max);
  return {
    take(runId: string): () => void {
      const release = slots.take(runId);
      if (release) return release;
      throw new SandmailError(
        code,
        `run ${runId} already has ${max} ${what} on this server (${setting}); let some end first`,
        { limit: max },
      );
    },
  };
}
