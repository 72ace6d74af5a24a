import { Connect } from "./connect.js";
import { useRoute } from "./route.js";
import { RunView } from "./run-view.js";

export function App({ notice }: { notice?: string | undefined }) {
  const route = useRoute();
  if (!route.run) return <Connect reason={notice} />;
  return <RunView key={route.run} run={route.run} message={route.message} />;
}
