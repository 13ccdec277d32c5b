/**
 * A mock of OpenAI's (and Groq's) non-chat endpoints, with state: background responses that finish
 * after being polled, stored responses read back, batches that complete, images, transcriptions.
 * Shapes follow https://platform.openai.com/docs/api-reference (responses/object, batch/object,
 * images/object, audio/json-object, audio/verbose-json-object) and
 * https://console.groq.com/docs/speech-text (verbose_json with `duration`, `x_groq`).
 */
import { hex } from "./ids.ts";

/** The usage every completed response reports. */
export const responseUsage = { input_tokens: 2000, input_tokens_details: { cached_tokens: 0 }, output_tokens: 500, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2500 };
/** A completed batch's usage and model (batches created after 2025-09-07 report them). */
export const batchUsage = { input_tokens: 2082, input_tokens_details: { cached_tokens: 0 }, output_tokens: 1000, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 3082 };
export const batchModel = "gpt-4o-mini-2024-07-18";
export const imageUsage = { input_tokens: 1014, input_tokens_details: { text_tokens: 14, image_tokens: 1000 }, output_tokens: 272, total_tokens: 1286 };
export const transcribeUsage = { type: "tokens", input_tokens: 120, input_token_details: { text_tokens: 0, audio_tokens: 120 }, output_tokens: 30, total_tokens: 150 };
export const speechUsage = { input_tokens: 12, output_tokens: 340, total_tokens: 352 };
export const whisperSeconds = 42;
export const groqSeconds = 4.2;

export interface ObjectsRequest {
  method: string;
  path: string;
  authorization: string | null;
  /** The `model` of a JSON or multipart body. */
  model: string | undefined;
}

export interface ObjectsUpstream {
  origin: string;
  requests: ObjectsRequest[];
  stop(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

const keys = { openai: "Bearer sk-test-openai", groq: "Bearer gsk-test-groq" };
const now = () => Math.floor(Date.now() / 1000);
const sse = (events: object[]) =>
  new Response(events.map((e) => `event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`).join(""), {
    headers: { "content-type": "text/event-stream; charset=utf-8", "x-request-id": `req_${hex(32)}` },
  });
const json = (body: unknown, status = 200) => Response.json(body, { status, headers: { "x-request-id": `req_${hex(32)}` } });
const notFound = (what: string) => json({ error: { message: `No ${what} found`, type: "invalid_request_error", param: null, code: null } }, 404);

interface StoredResponse {
  id: string;
  model: string;
  background: boolean;
  polls: number;
  created: number;
}

function responseObject(r: StoredResponse, status: "queued" | "in_progress" | "completed") {
  const done = status === "completed";
  return {
    id: r.id,
    object: "response",
    created_at: r.created,
    status,
    background: r.background,
    error: null,
    incomplete_details: null,
    model: r.model,
    output: done ? [{ id: `msg_${hex(48)}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", annotations: [], text: "Done." }] }] : [],
    parallel_tool_calls: true,
    store: true,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: [],
    usage: done ? responseUsage : null,
    metadata: {},
  };
}

function batchObject(b: { id: string; endpoint: string; input: string; created: number }, status: "validating" | "in_progress" | "completed") {
  const done = status === "completed";
  return {
    id: b.id,
    object: "batch",
    endpoint: b.endpoint,
    errors: null,
    input_file_id: b.input,
    completion_window: "24h",
    status,
    output_file_id: done ? `file-${hex(24)}` : null,
    error_file_id: null,
    created_at: b.created,
    in_progress_at: status === "validating" ? null : b.created + 1,
    completed_at: done ? b.created + 60 : null,
    request_counts: { total: 2, completed: done ? 2 : 0, failed: 0 },
    metadata: null,
    ...(done ? { model: batchModel, usage: batchUsage } : {}),
  };
}

async function bodyModel(req: Request): Promise<{ model: string | undefined; fields: Record<string, unknown> }> {
  const type = req.headers.get("content-type") ?? "";
  if (type.startsWith("multipart/form-data")) {
    const form = await req.formData();
    const fields: Record<string, unknown> = {};
    for (const [k, v] of form) if (typeof v === "string") fields[k] = v;
    return { model: typeof fields.model === "string" ? fields.model : undefined, fields };
  }
  const text = await req.text();
  if (text === "") return { model: undefined, fields: {} };
  const fields = JSON.parse(text) as Record<string, unknown>;
  return { model: typeof fields.model === "string" ? fields.model : undefined, fields };
}

export async function startObjectsUpstream(): Promise<ObjectsUpstream> {
  const requests: ObjectsRequest[] = [];
  const responses = new Map<string, StoredResponse>();
  const batches = new Map<string, { id: string; endpoint: string; input: string; created: number; polls: number }>();

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const path = new URL(req.url).pathname;
      const { model, fields } = await bodyModel(req);
      const authorization = req.headers.get("authorization");
      requests.push({ method: req.method, path, authorization, model });
      const groq = path.startsWith("/openai/v1/");
      if (authorization !== (groq ? keys.groq : keys.openai)) {
        return json({ error: { message: "Incorrect API key provided.", type: "invalid_request_error", param: null, code: "invalid_api_key" } }, 401);
      }
      const route = `${req.method} ${path.replace(/\/(resp|batch)_[0-9a-f]+/, "/{id}")}`;
      const id = /\/((?:resp|batch)_[0-9a-f]+)/.exec(path)?.[1] ?? "";

      switch (route) {
        case "POST /v1/responses": {
          const r: StoredResponse = { id: `resp_${hex(48)}`, model: String(model), background: fields.background === true, polls: 0, created: now() };
          responses.set(r.id, r);
          if (fields.stream === true) {
            // https://platform.openai.com/docs/api-reference/responses-streaming: usage only in response.completed
            const done = responseObject(r, "completed");
            return sse([
              { type: "response.created", sequence_number: 0, response: responseObject(r, "in_progress") },
              { type: "response.output_text.delta", sequence_number: 1, item_id: done.output[0]!.id, output_index: 0, content_index: 0, delta: "Done." },
              { type: "response.completed", sequence_number: 2, response: done },
            ]);
          }
          return json(responseObject(r, r.background ? "queued" : "completed"));
        }
        case "GET /v1/responses/{id}": {
          const r = responses.get(id);
          if (!r) return notFound("response");
          r.polls++;
          // a background response is still running at the first poll, done from the second on
          return json(responseObject(r, r.background && r.polls < 2 ? "in_progress" : "completed"));
        }
        case "POST /v1/batches": {
          const b = { id: `batch_${hex(24)}`, endpoint: String(fields.endpoint), input: String(fields.input_file_id), created: now(), polls: 0 };
          batches.set(b.id, b);
          return json(batchObject(b, "validating"));
        }
        case "GET /v1/batches/{id}": {
          const b = batches.get(id);
          if (!b) return notFound("batch");
          b.polls++;
          return json(batchObject(b, b.polls < 2 ? "in_progress" : "completed"));
        }
        case "POST /v1/images/generations": {
          const n = typeof fields.n === "number" ? fields.n : 1;
          if (model === "gpt-image-1") {
            return json({ created: now(), background: "opaque", data: [{ b64_json: btoa("png") }], output_format: "png", quality: "low", size: "1024x1024", usage: imageUsage });
          }
          return json({ created: now(), data: Array.from({ length: n }, () => ({ url: `https://images.example/${hex(8)}.png`, revised_prompt: String(fields.prompt) })) });
        }
        case "POST /v1/audio/speech": {
          // https://platform.openai.com/docs/api-reference/audio/speech-audio-done-event
          if (fields.stream_format === "sse") {
            return sse([
              { type: "speech.audio.delta", audio: btoa("mp3-bytes") },
              { type: "speech.audio.done", usage: speechUsage },
            ]);
          }
          return new Response(new Uint8Array(512).fill(0xff), { headers: { "content-type": "audio/mpeg" } });
        }
        case "POST /v1/audio/transcriptions": {
          if (fields.stream === "true") {
            // https://platform.openai.com/docs/api-reference/audio/transcript-text-done-event
            return sse([
              { type: "transcript.text.delta", delta: "Hello", logprobs: [] },
              { type: "transcript.text.delta", delta: " there.", logprobs: [] },
              { type: "transcript.text.done", text: "Hello there.", logprobs: [], usage: transcribeUsage },
            ]);
          }
          const usage = model === "whisper-1" ? { type: "duration", seconds: whisperSeconds } : transcribeUsage;
          return json({ text: "Hello there.", usage });
        }
        case "POST /openai/v1/audio/transcriptions": {
          const xGroq = { id: `req_${hex(26)}` };
          if (fields.response_format === "verbose_json") {
            return json({ task: "transcribe", language: "English", duration: groqSeconds, text: "Hello there.", segments: [], x_groq: xGroq });
          }
          return json({ text: "Hello there.", x_groq: xGroq });
        }
      }
      return json({ error: { message: `Invalid URL (${req.method} ${path})`, type: "invalid_request_error", param: null, code: null } }, 404);
    },
  });

  const origin = `http://127.0.0.1:${server.port}`;
  const stop = () => server.stop(true);
  return { origin, requests, stop, [Symbol.asyncDispose]: stop };
}
