/**
 * OpenAI's Responses API (`POST /v1/responses`): the response object and its typed SSE events.
 * Shapes follow https://platform.openai.com/docs/api-reference/responses/object and
 * https://platform.openai.com/docs/api-reference/responses-streaming: each event is
 * `event: <type>` + `data: {"type":<type>,"sequence_number":n,…}`; usage only in the final
 * `response.completed` (cached ⊂ input_tokens, reasoning ⊂ output_tokens).
 */
import { hex } from "./ids.ts";
import { joined } from "./shapes.ts";
import type { MockUsage, ReplyInput } from "./types.ts";

export function responsesUsage(u: MockUsage) {
  return {
    input_tokens: u.promptTokens,
    input_tokens_details: { cached_tokens: u.cachedTokens },
    output_tokens: u.completionTokens,
    output_tokens_details: { reasoning_tokens: u.reasoningTokens },
    total_tokens: u.promptTokens + u.completionTokens,
  };
}

const typed = (type: string, data: object) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

interface Ids {
  response: string;
  message: string;
  reasoning: string;
  call: string;
  callId: string;
}

const newIds = (): Ids => ({
  response: `resp_${hex(48)}`,
  message: `msg_${hex(48)}`,
  reasoning: `rs_${hex(48)}`,
  call: `fc_${hex(48)}`,
  callId: `call_${hex(24)}`,
});

const textPart = (text: string) => ({ type: "output_text", annotations: [], logprobs: [], text });

/** The output items: a reasoning item when the usage reports reasoning, then the message or the tool call. */
function outputItems(input: ReplyInput, ids: Ids) {
  const items: Record<string, unknown>[] = [];
  if (input.usage.reasoningTokens > 0) items.push({ id: ids.reasoning, type: "reasoning", summary: [] });
  if (input.toolCall) {
    items.push({ id: ids.call, type: "function_call", status: "completed", arguments: input.toolCall.arguments, call_id: ids.callId, name: input.toolCall.name });
  } else {
    items.push({ id: ids.message, type: "message", status: "completed", content: [textPart(joined(input))], role: "assistant" });
  }
  return items;
}

function responseObject(input: ReplyInput, ids: Ids, status: "in_progress" | "completed", output: unknown[], usage: unknown) {
  const body = input.body;
  return {
    id: ids.response,
    object: "response",
    created_at: input.created,
    status,
    background: false,
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: input.model,
    output,
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: input.usage.reasoningTokens > 0 ? "medium" : null, summary: null },
    service_tier: "default",
    store: true,
    temperature: 1,
    text: { format: { type: "text" } },
    tool_choice: "auto",
    tools: Array.isArray(body.tools) ? body.tools : [],
    top_p: 1,
    truncation: "disabled",
    usage,
    user: null,
    metadata: {},
  };
}

export function responsesBody(input: ReplyInput) {
  const ids = newIds();
  return responseObject(input, ids, "completed", outputItems(input, ids), responsesUsage(input.usage));
}

export function responsesStream(input: ReplyInput): string[] {
  const ids = newIds();
  let seq = 0;
  const event = (type: string, data: object) => typed(type, { sequence_number: seq++, ...data });
  const items = outputItems(input, ids);
  const frames = [
    event("response.created", { response: responseObject(input, ids, "in_progress", [], null) }),
    event("response.in_progress", { response: responseObject(input, ids, "in_progress", [], null) }),
  ];
  items.forEach((item, output_index) => {
    if (item.type === "reasoning") {
      frames.push(event("response.output_item.added", { output_index, item }), event("response.output_item.done", { output_index, item }));
    } else if (item.type === "function_call") {
      const args = String(item.arguments);
      frames.push(
        event("response.output_item.added", { output_index, item: { ...item, status: "in_progress", arguments: "" } }),
        event("response.function_call_arguments.delta", { item_id: item.id, output_index, delta: args }),
        event("response.function_call_arguments.done", { item_id: item.id, output_index, arguments: args }),
        event("response.output_item.done", { output_index, item }),
      );
    } else {
      const where = { item_id: item.id, output_index, content_index: 0 };
      frames.push(
        event("response.output_item.added", { output_index, item: { ...item, status: "in_progress", content: [] } }),
        event("response.content_part.added", { ...where, part: textPart("") }),
        ...input.content.map((delta) => event("response.output_text.delta", { ...where, delta, logprobs: [] })),
        event("response.output_text.done", { ...where, text: joined(input), logprobs: [] }),
        event("response.content_part.done", { ...where, part: textPart(joined(input)) }),
        event("response.output_item.done", { output_index, item }),
      );
    }
  });
  frames.push(event("response.completed", { response: responseObject(input, ids, "completed", items, responsesUsage(input.usage)) }));
  return frames;
}
