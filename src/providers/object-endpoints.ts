/**
 * OpenAI's non-chat endpoints as rows of endpoints.ts: batches, images, audio. None of them may
 * have its body touched; each reads its usage with a reader of object-usage.ts.
 */
import type { Endpoint, EndpointId } from "./endpoints.ts";
import { audioTokenFields, imageTokenFields, readBatch, readImages, readTranscription, responseTokenFields } from "./object-usage.ts";

const row = (id: EndpointId, rest: Pick<Endpoint, "usage" | "read" | "claim" | "bills"> & { model?: Endpoint["model"] }): Endpoint => ({
  id,
  path: undefined,
  operation: "other",
  mayTouchBody: false,
  streamUsageOption: false,
  defaultProvider: "openai",
  model: { json: [], sse: {} },
  errorEvents: [],
  errorShape: "openai",
  streamError: "openai",
  ...rest,
});

export const objectRows = {
  /** POST /v1/batches, GET /v1/batches/{id}: the batch's usage once it has ended, at the batch rate, once per batch id. */
  batches: row("batches", {
    // creating or reading a batch bills nothing; its usage, once ended, is counted once
    bills: false,
    usage: { fields: responseTokenFields, json: [], sse: {} },
    read: (body) => readBatch(body),
    claim: { kind: "batch", json: ["id"], sse: {} },
    model: { json: ["model"], sse: {} },
  }),
  /** Images made: tokens (GPT image models) or per image (DALL·E). Streamed partial images end with `image_generation.completed` and its usage. */
  images: row("images", {
    bills: true,
    usage: { fields: imageTokenFields, json: [], sse: { "image_generation.completed": ["usage"], "image_edit.completed": ["usage"] } },
    read: (body, request) => readImages(body, request),
  }),
  /**
   * Transcriptions and translations: tokens (gpt-4o-transcribe) or seconds (whisper-1, Groq's whisper).
   * Streams end with `transcript.text.done` and its usage.
   * https://platform.openai.com/docs/api-reference/audio/transcript-text-done-event
   */
  audio_transcriptions: row("audio_transcriptions", {
    bills: true,
    usage: { fields: audioTokenFields, json: [], sse: { "transcript.text.done": ["usage"] } },
    read: (body) => readTranscription(body),
  }),
  /**
   * Speech: the body is audio, so usage is known only from a stream (`stream_format: "sse"`),
   * whose `speech.audio.done` reports tokens (gpt-4o-mini-tts). tts-1 bills characters it never reports.
   * https://platform.openai.com/docs/api-reference/audio/speech-audio-done-event
   */
  audio_speech: row("audio_speech", {
    bills: true,
    usage: { fields: audioTokenFields, json: [], sse: { "speech.audio.done": ["usage"] } },
  }),
} satisfies Partial<Record<EndpointId, Endpoint>>;

/** Fixed paths after `/v1` served by these rows (ids in paths: endpoints.ts). */
export const objectPaths: Readonly<Record<string, keyof typeof objectRows>> = {
  "/batches": "batches",
  "/images/generations": "images",
  "/images/edits": "images",
  "/images/variations": "images",
  "/audio/transcriptions": "audio_transcriptions",
  "/audio/translations": "audio_transcriptions",
  "/audio/speech": "audio_speech",
};
