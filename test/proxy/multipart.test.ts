/** The model and stream fields of multipart uploads, read within bounds whatever the body. */
import { describe, expect, test } from "bun:test";
import { inspectBody } from "../../src/proxy/body.ts";
import { formBoundary, formFields } from "../../src/proxy/multipart.ts";
import { createRandom } from "../helpers/random.ts";

const encoder = new TextEncoder();
const boundary = "----LectrBoundary7MA4YWxkTrZu0gW";
const contentType = `multipart/form-data; boundary=${boundary}`;

/** A form as the SDKs send it: `parts` of [name, value, filename?]. */
function form(parts: [string, string | Uint8Array, string?][], b = boundary): Uint8Array {
  const chunks: Uint8Array[] = [];
  for (const [name, value, filename] of parts) {
    const disposition = `form-data; name="${name}"${filename ? `; filename="${filename}"` : ""}`;
    chunks.push(encoder.encode(`--${b}\r\nContent-Disposition: ${disposition}\r\n${filename ? "Content-Type: audio/wav\r\n" : ""}\r\n`));
    chunks.push(typeof value === "string" ? encoder.encode(value) : value);
    chunks.push(encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode(`--${b}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

/** Audio whose bytes look like the delimiter's start and like headers, to mislead a careless scan. */
const audio = encoder.encode(`RIFF--${boundary.slice(0, 20)}\r\n\r\nname="model"\r\n\r\nwhisper-1`.repeat(2000));

describe("multipart bodies", () => {
  test("the model after a large file (the SDK's order), and the stream field", () => {
    const body = form([["file", audio, "clip.wav"], ["model", "whisper-large-v3"], ["stream", "true"]]);
    expect(inspectBody(body, contentType)).toEqual({ json: undefined, model: "whisper-large-v3", stream: true, clientWantsUsage: false });
  });

  test("the model before the file, a quoted boundary, the first of a repeated field", () => {
    const body = form([["model", "gpt-4o-transcribe"], ["model", "whisper-1"], ["file", audio, "clip.wav"]]);
    expect(inspectBody(body, `multipart/form-data; boundary="${boundary}"; charset=utf-8`).model).toBe("gpt-4o-transcribe");
  });

  test("a file part named model is not the model; no model field is the empty model", () => {
    expect(inspectBody(form([["model", audio, "model.txt"]]), contentType).model).toBe("");
    expect(inspectBody(form([["file", audio, "clip.wav"]]), contentType)).toEqual({ json: undefined, model: "", stream: false, clientWantsUsage: false });
  });

  test("a value is read up to 1 KiB (a longer model is then refused as too long by the request path)", () => {
    expect(formFields(form([["model", "m".repeat(5000)]]), boundary, ["model"]).model).toHaveLength(1024);
  });

  test("bounds: a boundary over 70 characters is not multipart; headers over 1 KiB and parts past the 64th end the scan", () => {
    expect(formBoundary(`multipart/form-data; boundary=${"b".repeat(71)}`)).toBeUndefined();
    expect(formBoundary("application/json")).toBeUndefined();
    const longHeader = encoder.encode(`--${boundary}\r\nContent-Disposition: form-data; name="x"; ${"a=b; ".repeat(300)}\r\n\r\nv\r\n`);
    const after = form([["model", "whisper-1"]]);
    expect(formFields(new Uint8Array(Buffer.concat([longHeader, after.subarray(0)])), boundary, ["model"])).toEqual({});
    const many = form([...Array.from({ length: 64 }, (_, i): [string, string] => [`f${i}`, "x"]), ["model", "whisper-1"]]);
    expect(formFields(many, boundary, ["model"])).toEqual({});
    const enough = form([...Array.from({ length: 63 }, (_, i): [string, string] => [`f${i}`, "x"]), ["model", "whisper-1"]]);
    expect(formFields(enough, boundary, ["model"])).toEqual({ model: "whisper-1" });
  });

  test("cut, empty or random bodies never throw", () => {
    const whole = form([["file", audio, "clip.wav"], ["model", "whisper-1"]]);
    for (let cut = 0; cut < whole.length; cut += 997) expect(() => inspectBody(whole.subarray(0, cut), contentType)).not.toThrow();
    const random = createRandom(7);
    for (let i = 0; i < 200; i++) {
      const bytes = Uint8Array.from({ length: 200 }, () => (random() < 0.3 ? "-\r\n".charCodeAt(Math.floor(random() * 3)) : Math.floor(random() * 256)));
      expect(typeof inspectBody(bytes, contentType).model).toBe("string");
    }
  });
});
