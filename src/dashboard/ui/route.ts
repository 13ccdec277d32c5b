/**
 * The view and its filters live in the URL's hash (`#/models?period=7d&provider=OPENAI`),
 * so every view can be bookmarked and shared, and the server serves one page.
 */
import { useEffect, useState } from "preact/hooks";

export const views = ["overview", "changes", "models", "explore", "health", "events", "spend-less", "budgets", "reconciliation", "settings", "api"] as const;
export type View = (typeof views)[number];

export interface Route {
  view: View;
  params: URLSearchParams;
}

export function parseRoute(hash: string): Route {
  const [path = "", query = ""] = hash.replace(/^#\/?/, "").split("?", 2);
  const view = (views as readonly string[]).includes(path) ? (path as View) : "overview";
  return { view, params: new URLSearchParams(query) };
}

export function href(view: View, params: Record<string, string | null | undefined> | URLSearchParams = {}): string {
  const p = params instanceof URLSearchParams ? new URLSearchParams(params) : new URLSearchParams();
  if (!(params instanceof URLSearchParams)) for (const [k, v] of Object.entries(params)) if (v != null && v !== "") p.set(k, v);
  const q = p.toString();
  return `#/${view}${q ? `?${q}` : ""}`;
}

export function navigate(view: View, params: Record<string, string | null | undefined> | URLSearchParams = {}) {
  location.hash = href(view, params);
}

/** The current route's params with some changed (null removes one). */
export function withParams(changes: Record<string, string | null | undefined>): URLSearchParams {
  const p = new URLSearchParams(parseRoute(location.hash).params);
  for (const [k, v] of Object.entries(changes)) {
    if (v == null || v === "") p.delete(k);
    else p.set(k, v);
  }
  return p;
}

export function setParams(changes: Record<string, string | null | undefined>) {
  navigate(parseRoute(location.hash).view, withParams(changes));
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}
