import { useState } from "preact/hooks";

/** Copies `value`; says so for two seconds. `label` names what is copied, for screen readers. */
export function CopyButton({ value, label }: { value: string; label: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    await navigator.clipboard.writeText(value);
    setDone(true);
    setTimeout(() => setDone(false), 2000);
  };
  return (
    <button type="button" class="copy" aria-label={`Copy ${label}`} onClick={copy}>
      {done ? "Copied" : "Copy"}
    </button>
  );
}
