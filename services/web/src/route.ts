import { useEffect, useState } from "preact/hooks";

/**
 * Where the page is: `#/r/<run>`, `#/r/<run>/m/<message>`, `#/r/<run>/sessions` and
 * `#/r/<run>/sessions/<session>`; anything else is the connect page.
 */
export interface Route {
  run?: string;
  message?: string;
  /** The run's protocol sessions instead of its mail; `session` names the one shown. */
  sessions?: true;
  session?: string;
}

function parseRoute(hash: string): Route {
  const sessions = /^#\/r\/([^/]+)\/sessions(?:\/([^/]+))?$/.exec(hash);
  if (sessions) {
    return {
      run: decodeURIComponent(sessions[1]!),
      sessions: true,
      ...(sessions[2] ? { session: decodeURIComponent(sessions[2]) } : {}),
    };
  }
  const match = /^#\/r\/([^/]+)(?:\/m\/([^/]+))?$/.exec(hash);
  if (!match) return {};
  return {
    run: decodeURIComponent(match[1]!),
    ...(match[2] ? { message: decodeURIComponent(match[2]) } : {}),
  };
}

export function href(route: Route): string {
  if (!route.run) return "#/";
  const run = `#/r/${encodeURIComponent(route.run)}`;
  if (route.sessions)
    return route.session ? `${run}/sessions/${encodeURIComponent(route.session)}` : `${run}/sessions`;
  return route.message ? `${run}/m/${encodeURIComponent(route.message)}` : run;
}

export function navigate(route: Route, replace = false): void {
  const url = `${location.pathname}${href(route)}`;
  if (replace) history.replaceState(null, "", url);
  else history.pushState(null, "", url);
  window.dispatchEvent(new HashChangeEvent("hashchange"));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener("hashchange", update);
    window.addEventListener("popstate", update);
    return () => {
      window.removeEventListener("hashchange", update);
      window.removeEventListener("popstate", update);
    };
  }, []);
  return route;
}
