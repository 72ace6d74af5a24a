import { Connect } from "./connect.js";
import { useRoute } from "./route.js";
import { RunView } from "./run-view.js";
import { SessionsView } from "./sessions-view.js";

export function App({ notice }: { notice?: string | undefined }) {
  const route = useRoute();
  if (!route.run) return <Connect reason={notice} />;
  if (route.sessions) return <SessionsView key={route.run} run={route.run} session={route.session} />;
  return <RunView key={route.run} run={route.run} message={route.message} />;
}
