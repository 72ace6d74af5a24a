import { render } from "preact";
import { App } from "./app.js";
import { openSession, takeCredentialsFromUrl } from "./session.js";
import { applyTheme } from "./theme.js";
import "./styles.css";

applyTheme();
const root = document.getElementById("app")!;

/** A run's link (`#run=..&token=..`): trade the token for the session cookie, then show the run. */
async function openFromLink(): Promise<string | undefined> {
  const credentials = takeCredentialsFromUrl();
  if (!credentials) return undefined;
  try {
    await openSession(credentials);
    return undefined;
  } catch (err) {
    history.replaceState(null, "", location.pathname);
    return `Could not open run ${credentials.run}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

// A link pasted into the address bar of an open page changes only the fragment: no reload.
window.addEventListener("hashchange", (event) => {
  if (!location.hash.includes("token=")) return;
  event.stopImmediatePropagation();
  void openFromLink().then((notice) => {
    if (notice) render(<App notice={notice} />, root);
    window.dispatchEvent(new HashChangeEvent("hashchange"));
  });
});

void openFromLink().then((notice) => render(<App notice={notice} />, root));
