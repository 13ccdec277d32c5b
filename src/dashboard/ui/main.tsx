/** The dashboard: sign in, then one view at a time, chosen by the URL. */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import "./styles.css";
import { session } from "./session.ts";
import { useRoute, href, type View } from "./route.ts";
import { SignIn, OrgPicker } from "./views/sign-in.tsx";
import { Overview } from "./views/overview.tsx";
import { Models } from "./views/models.tsx";
import { Explore } from "./views/explore.tsx";
import { Health } from "./views/health.tsx";
import { Events } from "./views/events.tsx";
import { SpendLess } from "./views/spend-less.tsx";
import { Budgets } from "./views/budgets.tsx";
import { Reconciliation } from "./views/reconciliation.tsx";
import { Settings } from "./views/settings.tsx";
import { Api } from "./views/api.tsx";
import { Changes } from "./views/changes.tsx";
import type { ViewProps } from "./views/common.tsx";
import type { ComponentType } from "preact";

/** Every view, in the navigation's order: a new view is one row here and its id in route.ts. */
const viewTable: Record<View, { title: string; component: ComponentType<ViewProps> }> = {
  overview: { title: "Overview", component: Overview },
  changes: { title: "What changed", component: Changes },
  models: { title: "Models", component: Models },
  explore: { title: "Explore", component: Explore },
  health: { title: "Provider health", component: Health },
  events: { title: "Events", component: Events },
  "spend-less": { title: "Spend less", component: SpendLess },
  budgets: { title: "Budgets", component: Budgets },
  reconciliation: { title: "Reconciliation", component: Reconciliation },
  settings: { title: "Settings", component: Settings },
  api: { title: "API", component: Api },
};
const titles = Object.fromEntries(Object.entries(viewTable).map(([id, v]) => [id, v.title])) as Record<View, string>;

function App() {
  const [s, setS] = useState(session.get());
  useEffect(() => session.subscribe(() => setS(session.get())), []);
  const route = useRoute();
  useEffect(() => {
    document.title = `${titles[route.view]} · Lectr`;
  }, [route.view]);
  if (!s) return <SignIn />;
  if (s.kind === "admin" && !s.orgId) return <OrgPicker token={s.token} />;
  const keep = new URLSearchParams();
  for (const k of ["period", "from", "to", "provider"]) {
    const v = route.params.get(k);
    if (v) keep.set(k, v);
  }
  const View = viewTable[route.view].component;
  return (
    <div class="shell">
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={href("overview", keep)}>
          Lectr
        </a>
        <nav aria-label="Views">
          {(Object.keys(titles) as View[]).map((v) => (
            <a href={href(v, keep)} aria-current={route.view === v ? "page" : undefined}>
              {titles[v]}
            </a>
          ))}
        </nav>
        <div class="who">
          <span class="muted">{s.kind === "key" ? "Org key" : `Admin · ${s.orgName ?? s.orgId}`}</span>
          {s.kind === "admin" && (
            <button type="button" class="small" onClick={() => session.set({ kind: "admin", token: s.token })}>
              Switch org
            </button>
          )}
          <button type="button" class="small" onClick={() => session.set(null)}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <h1>{titles[route.view]}</h1>
        <View params={route.params} />
      </main>
    </div>
  );
}

render(<App />, document.getElementById("app")!);
