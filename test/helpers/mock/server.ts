import type { ProviderId } from "../../../src/providers/types.ts";
import { dialects } from "./dialects/index.ts";
import { planResponse, type PlanContext } from "./plan.ts";
import type { Behavior, MockOptions, MockUpstream, RecordedRequest, SentResponse } from "./types.ts";
import { defaultMockUsage } from "./usage.ts";

const encoder = new TextEncoder();

export const defaultAzureDeployments: Record<string, string> = { "prod-gpt4o": "gpt-4o-2024-11-20", "embed-small": "text-embedding-3-small" };

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function recordRequest(req: Request): Promise<RecordedRequest> {
  const url = new URL(req.url);
  const bodyText = await req.text();
  // Headers iterate with lower-cased names.
  const headers = Object.fromEntries(req.headers);
  return { method: req.method, path: url.pathname, search: url.search, headers, bodyText, json: parseJson(bodyText) };
}

/**
 * A pull-driven SSE body: one frame per pull (a separate write), each recorded as it is enqueued.
 * Stalls park the pull until the client cancels or the mock stops; resets error the stream.
 */
function streamBody(frames: Uint8Array[], behavior: Behavior, sent: SentResponse, stalls: Set<() => void>) {
  let next = 0;
  let cancelled = false;
  let release: (() => void) | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (next === behavior.stallAfterChunks) {
          await new Promise<void>((resolve) => {
            release = resolve;
            stalls.add(resolve);
          });
          if (release) stalls.delete(release);
          if (!cancelled) controller.error(undefined);
          return;
        }
        if (next === behavior.resetAfterChunks) {
          // Erroring in the same tick as the last enqueue drops the unflushed bytes (headers too), so
          // yield once. An error without a reason makes Bun close the socket with a reset, unlogged.
          await Bun.sleep(1);
          controller.error(undefined);
          return;
        }
        const frame = frames[next];
        if (frame === undefined) return controller.close();
        if (next > 0 && behavior.chunkDelayMs) await Bun.sleep(behavior.chunkDelayMs);
        next += 1;
        sent.chunks.push(frame);
        controller.enqueue(frame);
      },
      cancel() {
        cancelled = true;
        sent.cancelled = true;
        release?.();
      },
    },
    { highWaterMark: 0 },
  );
}

export async function startMockUpstream(provider: ProviderId, opts: MockOptions = {}): Promise<MockUpstream> {
  const dialect = dialects[provider];
  const ctx: PlanContext = {
    dialect,
    options: { apiKey: opts.apiKey ?? dialect.defaultApiKey, azureDeployments: opts.azureDeployments ?? defaultAzureDeployments },
    defaultUsage: defaultMockUsage[provider],
  };
  const requests: RecordedRequest[] = [];
  const responses: SentResponse[] = [];
  const stalls = new Set<() => void>();
  let behavior: Behavior = {};

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const current = behavior;
      const recorded = await recordRequest(req);
      const plan = planResponse(ctx, recorded, req.headers, current);
      const frames = plan.frames.map((frame) => encoder.encode(frame));
      // Pushed together so responses[i] answers requests[i].
      const sent: SentResponse = { status: plan.status, headers: plan.headers, chunks: plan.stream ? [] : frames };
      requests.push(recorded);
      responses.push(sent);
      if (current.delayHeadersMs) await Bun.sleep(current.delayHeadersMs);
      const body = plan.stream ? streamBody(frames, current, sent, stalls) : frames[0];
      return new Response(body, { status: plan.status, headers: plan.headers });
    },
  });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      for (const release of stalls) release();
      await server.stop(true);
    })();
    return stopping;
  };
  const origin = `http://127.0.0.1:${server.port}`;

  return {
    provider,
    origin,
    baseUrl: origin + dialect.basePath,
    requests,
    responses,
    get stalled() {
      return stalls.size;
    },
    setBehavior(b) {
      behavior = b;
    },
    reset() {
      requests.length = 0;
      responses.length = 0;
      behavior = {};
    },
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
