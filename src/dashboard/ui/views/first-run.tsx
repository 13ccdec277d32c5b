/** Before the first event: how to point an app at this server. */
import { session } from "../session.ts";

export function FirstRun() {
  const base = `${location.origin}/v1`;
  const s = session.get();
  const key = s?.kind === "key" ? s.key : "lk_…";
  const node = `import OpenAI from "openai";

const client = new OpenAI({
  baseURL: "${base}",
  defaultHeaders: { "X-Lectr-Key": "${key}" },
});`;
  const python = `from openai import OpenAI

client = OpenAI(
    base_url="${base}",
    default_headers={"X-Lectr-Key": "${key}"},
)`;
  return (
    <section class="first-run" aria-live="polite">
      <h2>No requests yet</h2>
      <p>
        Point your OpenAI SDK at this server and add your org key. Keep your provider key as it is: Lectr passes it on. This page turns into the overview when the first request arrives.
      </p>
      <div class="snippets">
        <figure>
          <figcaption>Node (openai)</figcaption>
          <pre data-snippet="node" tabIndex={0}>{node}</pre>
          <CopyButton text={node} />
        </figure>
        <figure>
          <figcaption>Python (openai)</figcaption>
          <pre data-snippet="python" tabIndex={0}>{python}</pre>
          <CopyButton text={python} />
        </figure>
      </div>
      <p class="muted small">
        Other providers work the same way: the model name picks the provider, or send <code>X-Lectr-Provider</code>. Tag requests with <code>X-Lectr-Feature</code> and <code>X-Lectr-Task</code> to see spend per feature.
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
