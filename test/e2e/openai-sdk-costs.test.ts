/**
 * The OpenAI SDK's non-chat calls through Lectr: each answer is the provider's, each event's tokens
 * and cost are exact or unknown (null), never a guessed 0. Responses and batches read back are
 * counted once per id; across replicas: test/e2e/usage-claims-replicas.test.ts.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import OpenAI, { toFile } from "openai";
import { startLectr, type TestLectr } from "../helpers/lectr.ts";
import { batchModel, groqSeconds, startObjectsUpstream, whisperSeconds, type ObjectsUpstream } from "../helpers/mock/objects.ts";
import { waitFor } from "../helpers/wait-for.ts";

let mock: ObjectsUpstream;
let lectr: TestLectr;
let client: OpenAI;

beforeAll(async () => {
  mock = await startObjectsUpstream();
  lectr = await startLectr({ baseUrls: { openai: `${mock.origin}/v1`, groq: `${mock.origin}/openai/v1` } });
  client = new OpenAI({ apiKey: "sk-test-openai", baseURL: `${lectr.url}/v1`, defaultHeaders: { "X-Lectr-Key": lectr.key }, maxRetries: 0 });
});
afterAll(async () => {
  await lectr.stop();
  await mock.stop();
});

/** gpt-4o-mini: $0.15 in, $0.60 out per 1M tokens (src/pricing/prices.json). */
const miniCost = (input: number, output: number) => (input * 0.15 + output * 0.6) / 1e6;

const eventsOf = async (path: string) => (await lectr.events()).filter((e) => e.endpoint === path).reverse();
const costs = (events: { cost_usd: number | null }[]) => events.map((e) => e.cost_usd);

test("background response polled with responses.retrieve: the queued POST and the running poll carry no cost, the first completed read carries it, later reads none", async () => {
  const created = await client.responses.create({ model: "gpt-4o-mini", input: "Summarise the report.", background: true });
  expect([created.status, created.usage as unknown]).toEqual(["queued", null]);
  const seen: string[] = [];
  let done = await client.responses.retrieve(created.id);
  seen.push(done.status!);
  while (done.status !== "completed") {
    done = await client.responses.retrieve(created.id);
    seen.push(done.status!);
  }
  expect(seen).toEqual(["in_progress", "completed"]);
  expect(done.usage).toMatchObject({ input_tokens: 2000, output_tokens: 500 });
  // read again: the same usage, already counted
  const again = await client.responses.retrieve(created.id);
  expect(again.usage).toEqual(done.usage);

  const [post] = await eventsOf("/v1/responses");
  // queued: not billed by itself, so not an unknown cost either
  expect([post!.status, post!.input_tokens, post!.cost_usd, post!.price_known, post!.usage_claim]).toEqual([200, null, null, true, null]);
  const reads = await eventsOf(`/v1/responses/${created.id}`);
  expect(reads.map((e) => [e.model, e.response_model, e.input_tokens, e.output_tokens, e.usage_claim])).toEqual([
    ["", "gpt-4o-mini", null, null, null],
    ["", "gpt-4o-mini", 2000, 500, `response:${created.id}`],
    ["", "gpt-4o-mini", null, null, `response:${created.id}`],
  ]);
  expect(costs(reads)).toEqual([null, miniCost(2000, 500), null]);
});

test("a stored response read back: priced by its POST, never again by a read", async () => {
  const raw = await client.responses.create({ model: "gpt-4o-mini", input: "Hi" }).withResponse();
  expect(raw.response.headers.get("x-lectr-cost-usd")).toBe(String(miniCost(2000, 500)));
  const read = await client.responses.retrieve(raw.data.id).withResponse();
  expect(read.data.output_text).toBe(raw.data.output_text);
  // a read's cost is settled where events are written, after the answer: no header on reads
  expect(read.response.headers.get("x-lectr-cost-usd")).toBeNull();
  const [post] = (await eventsOf("/v1/responses")).slice(-1);
  const [get] = await eventsOf(`/v1/responses/${raw.data.id}`);
  expect([post!.cost_usd, post!.usage_claim]).toEqual([miniCost(2000, 500), `response:${raw.data.id}`]);
  expect([get!.input_tokens, get!.cost_usd, get!.price_known]).toEqual([null, null, true]);
});

test("a batch: created and in progress unpriced, completed priced once at half the standard rate from its reported usage and model", async () => {
  const batch = await client.batches.create({ input_file_id: "file-abc123", endpoint: "/v1/chat/completions", completion_window: "24h" });
  expect(batch.status).toBe("validating");
  const statuses = [(await client.batches.retrieve(batch.id)).status, (await client.batches.retrieve(batch.id)).status, (await client.batches.retrieve(batch.id)).status];
  expect(statuses).toEqual(["in_progress", "completed", "completed"]);
  const reads = await eventsOf(`/v1/batches/${batch.id}`);
  expect(reads.map((e) => [e.response_model, e.input_tokens, e.output_tokens, e.price_basis])).toEqual([
    [null, null, null, null],
    [batchModel, 2082, 1000, "batch"],
    [batchModel, null, null, null],
  ]);
  expect(costs(reads)).toEqual([null, miniCost(2082, 1000) * 0.5, null]);
  const [create] = await eventsOf("/v1/batches");
  expect([create!.input_tokens, create!.cost_usd]).toEqual([null, null]);
});

test("images.generate: gpt-image-1 priced from its text, image and output tokens; dall-e-3 per image by quality and size", async () => {
  const image = await client.images.generate({ model: "gpt-image-1", prompt: "A lighthouse", quality: "low" });
  expect(image.usage).toMatchObject({ input_tokens: 1014, output_tokens: 272 });
  const dalle = await client.images.generate({ model: "dall-e-3", prompt: "A lighthouse", quality: "hd", size: "1024x1792" }).withResponse();
  expect(dalle.data.data).toHaveLength(1);
  expect(dalle.response.headers.get("x-lectr-cost-usd")).toBe("0.12");
  const [tokens, perImage] = await eventsOf("/v1/images/generations");
  expect([tokens!.model, tokens!.input_tokens, tokens!.output_tokens, tokens!.price_basis]).toEqual(["gpt-image-1", 1014, 272, "image_tokens"]);
  // text $5, image input $10, image output $40 per 1M tokens
  expect(tokens!.cost_usd).toBeCloseTo((14 * 5 + 1000 * 10 + 272 * 40) / 1e6, 15);
  expect([perImage!.model, perImage!.input_tokens, perImage!.billed_units, perImage!.price_basis, perImage!.cost_usd]).toEqual(["dall-e-3", null, 1, "per_image:hd/1024x1792", 0.12]);
});

const audio = () => toFile(new Uint8Array(2048).fill(7), "clip.wav", { type: "audio/wav" });

test("audio.transcriptions.create: the multipart model is read; gpt-4o-transcribe priced from audio and text tokens, whisper-1 from seconds", async () => {
  const transcribed = await client.audio.transcriptions.create({ file: await audio(), model: "gpt-4o-transcribe" });
  expect(transcribed.text).toBe("Hello there.");
  const whisper = await client.audio.transcriptions.create({ file: await audio(), model: "whisper-1" });
  expect(whisper.text).toBe("Hello there.");
  const [tokens, seconds] = await eventsOf("/v1/audio/transcriptions");
  expect([tokens!.provider, tokens!.model, tokens!.input_tokens, tokens!.output_tokens, tokens!.price_basis]).toEqual(["openai", "gpt-4o-transcribe", 120, 30, "audio_tokens"]);
  // audio input $6, text output $10 per 1M tokens
  expect(tokens!.cost_usd).toBeCloseTo((120 * 6 + 30 * 10) / 1e6, 15);
  expect([seconds!.model, seconds!.input_tokens, seconds!.billed_units, seconds!.price_basis]).toEqual(["whisper-1", null, whisperSeconds, "per_second"]);
  expect(seconds!.cost_usd).toBeCloseTo(whisperSeconds * (0.006 / 60), 15);
});

test("Groq's whisper goes to Groq with the Groq key; a short clip is billed Groq's 10-second minimum; without a duration the cost is unknown", async () => {
  const groq = new OpenAI({ apiKey: "gsk-test-groq", baseURL: `${lectr.url}/v1`, defaultHeaders: { "X-Lectr-Key": lectr.key }, maxRetries: 0 });
  const verbose = await groq.audio.transcriptions.create({ file: await audio(), model: "whisper-large-v3", response_format: "verbose_json" });
  expect(verbose.duration).toBe(groqSeconds);
  const plain = await groq.audio.transcriptions.create({ file: await audio(), model: "whisper-large-v3" });
  expect(plain.text).toBe("Hello there.");
  expect(mock.requests.filter((r) => r.model === "whisper-large-v3").map((r) => [r.path, r.authorization])).toEqual([
    ["/openai/v1/audio/transcriptions", "Bearer gsk-test-groq"],
    ["/openai/v1/audio/transcriptions", "Bearer gsk-test-groq"],
  ]);
  const events = (await eventsOf("/v1/audio/transcriptions")).filter((e) => e.model === "whisper-large-v3");
  // the plain answer reports no duration: a billed call whose cost is unknown, counted with the unpriced ones
  expect(events.map((e) => [e.provider, e.billed_units, e.input_tokens, e.price_known, e.cost_source])).toEqual([
    ["groq", groqSeconds, null, true, "registry"],
    ["groq", null, null, false, "unpriced"],
  ]);
  expect(events[0]!.cost_usd).toBeCloseTo(10 * (0.111 / 3600), 15);
  expect(events[1]!.cost_usd).toBeNull();
});

test("a path Lectr has no row for is passed through and never priced, whatever its body reports", async () => {
  const res = await fetch(`${lectr.url}/v1/unknown/thing`, { headers: { "x-lectr-key": lectr.key, authorization: "Bearer sk-test-openai" } });
  expect(res.status).toBe(404);
  expect(res.headers.get("x-lectr-cost-usd")).toBeNull();
  await waitFor(async () => (await eventsOf("/v1/unknown/thing")).length === 1);
  const [e] = await eventsOf("/v1/unknown/thing");
  expect([e!.input_tokens, e!.output_tokens, e!.cost_usd]).toEqual([null, null, null]);
});

test("a streamed response is priced once, from response.completed; reading it back afterwards adds nothing", async () => {
  const stream = await client.responses.create({ model: "gpt-4o-mini", input: "Hi", stream: true });
  let id = "";
  let text = "";
  for await (const event of stream) {
    if (event.type === "response.output_text.delta") text += event.delta;
    if (event.type === "response.completed") id = event.response.id;
  }
  expect(text).toBe("Done.");
  const read = await client.responses.retrieve(id);
  expect(read.usage).toMatchObject({ input_tokens: 2000, output_tokens: 500 });
  const [post] = (await eventsOf("/v1/responses")).slice(-1);
  const [get] = await eventsOf(`/v1/responses/${id}`);
  expect([post!.streamed, post!.input_tokens, post!.cost_usd, post!.usage_claim]).toEqual([true, 2000, miniCost(2000, 500), `response:${id}`]);
  expect([get!.input_tokens, get!.cost_usd]).toEqual([null, null]);
});

test("a streamed transcription is priced from transcript.text.done, its audio tokens at the audio rate", async () => {
  const stream = await client.audio.transcriptions.create({ file: await audio(), model: "gpt-4o-transcribe", stream: true });
  let text = "";
  for await (const event of stream) if (event.type === "transcript.text.delta") text += event.delta;
  expect(text).toBe("Hello there.");
  const [e] = (await eventsOf("/v1/audio/transcriptions")).slice(-1);
  expect([e!.streamed, e!.model, e!.input_tokens, e!.output_tokens, e!.price_basis]).toEqual([true, "gpt-4o-transcribe", 120, 30, "audio_tokens"]);
  expect(e!.cost_usd).toBeCloseTo((120 * 6 + 30 * 10) / 1e6, 15);
});

test("speech: an audio body reports no usage, so its cost is unknown; a gpt-4o-mini-tts stream is priced from speech.audio.done", async () => {
  const mp3 = await client.audio.speech.create({ model: "tts-1", voice: "alloy", input: "Hello there." }).withResponse();
  expect((await mp3.data.arrayBuffer()).byteLength).toBe(512);
  expect(mp3.response.headers.get("x-lectr-cost-usd")).toBeNull();
  const streamed = await client.audio.speech.create({ model: "gpt-4o-mini-tts", voice: "alloy", input: "Hello there.", stream_format: "sse" });
  expect(await streamed.text()).toContain("speech.audio.done");
  const [binary, tokens] = await eventsOf("/v1/audio/speech");
  expect([binary!.model, binary!.input_tokens, binary!.cost_usd, binary!.price_known, binary!.cost_source]).toEqual(["tts-1", null, null, false, "unpriced"]);
  expect([tokens!.model, tokens!.input_tokens, tokens!.output_tokens]).toEqual(["gpt-4o-mini-tts", 12, 340]);
  // text input $0.60, audio output $12 per 1M tokens
  expect(tokens!.cost_usd).toBeCloseTo((12 * 0.6 + 340 * 12) / 1e6, 15);
});
