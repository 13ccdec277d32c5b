/**
 * A small streaming client for time-to-first-chunk and time-to-[DONE]:
 * one stream at a time over a kept-alive connection, against the paced mock,
 * timed from just before `fetch` to the first body bytes and to the bytes
 * holding `[DONE]`.
 */
export const chatBody = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in twenty words."}],"max_tokens":64}';
export const streamBody = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Say hello in twenty words."}],"max_tokens":64,"stream":true}';

export interface StreamTiming {
  firstMs: number;
  doneMs: number;
}

const decoder = new TextDecoder();

export async function timeStream(url: string, headers: Record<string, string>): Promise<StreamTiming> {
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: streamBody });
  if (res.status !== 200 || !res.body) throw new Error(`stream answered ${res.status}: ${await res.text()}`);
  let firstMs = -1;
  let doneMs = -1;
  let seen = "";
  // read to the end (not just to [DONE]) so the connection is reused and the proxy sees a complete response
  for await (const chunk of res.body) {
    if (firstMs < 0) firstMs = performance.now() - t0;
    if (doneMs >= 0) continue;
    // keep only a short tail: enough to find "[DONE]" split across chunks
    seen = (seen + decoder.decode(chunk, { stream: true })).slice(-32);
    if (seen.includes("data: [DONE]")) doneMs = performance.now() - t0;
  }
  if (doneMs < 0) throw new Error("stream ended without [DONE]");
  return { firstMs, doneMs };
}

/** `warm` untimed streams, then `n` timed ones, one after another. */
export async function timeStreams(url: string, headers: Record<string, string>, n: number, warm: number): Promise<StreamTiming[]> {
  for (let i = 0; i < warm; i++) await timeStream(url, headers);
  const out: StreamTiming[] = [];
  for (let i = 0; i < n; i++) out.push(await timeStream(url, headers));
  return out;
}
