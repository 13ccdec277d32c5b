/** Before the first event: how to point an app at this server, for each provider. */
import { useState } from "preact/hooks";
import { session } from "../session.ts";
import { setups } from "../first-run-snippets.ts";

export function FirstRun() {
  const s = session.get();
  const key = s?.kind === "key" ? s.key : "lk_…";
  const all = setups(location.origin, key);
  const [provider, setProvider] = useState(all[0]!.provider);
  const setup = all.find((x) => x.provider === provider) ?? all[0]!;
  return (
    <section class="first-run" aria-live="polite">
      <h2>No requests yet</h2>
      <p>
        Point your SDK at this server and add your org key. Keep your provider key as it is: Lectr passes it on. This page turns into the overview when the first request arrives.
      </p>
      <div class="tabs" role="group" aria-label="Provider">
        {all.map((x) => (
          <button type="button" class="small" aria-pressed={x.provider === provider} data-setup={x.provider} onClick={() => setProvider(x.provider)}>
            {x.label}
          </button>
        ))}
      </div>
      <p class="muted small">{setup.note}</p>
      <div class="snippets">
        {setup.snippets.map((sn) => (
          <figure>
            <figcaption>{sn.caption}</figcaption>
            <pre data-snippet={sn.id} tabIndex={0}>
              {sn.code}
            </pre>
            <CopyButton text={sn.code} />
          </figure>
        ))}
      </div>
      <p class="muted small">
        Tag requests with <code>X-Lectr-Feature</code> and <code>X-Lectr-Task</code> to see spend per feature and task.
      </p>
    </section>
  );
}

export function CopyButton(props: { text: string; label?: string }) {
  return (
    <button
      type="button"
      class="small"
      onClick={async (e) => {
        const b = e.currentTarget;
        try {
          await navigator.clipboard.writeText(props.text);
          b.textContent = "Copied";
        } catch {
          b.textContent = "Select and copy by hand";
        }
      }}
    >
      {props.label ?? "Copy"}
    </button>
  );
}
