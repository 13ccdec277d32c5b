/**
 * Anthropic's native Messages API (`POST /v1/messages`): the message object and its SSE events.
 * Shapes follow https://docs.anthropic.com/en/api/messages and
 * https://docs.anthropic.com/en/docs/build-with-claude/streaming: usage.input_tokens is the
 * uncached part; cache reads and writes are reported apart; a stream gives usage in
 * `message_start` and the cumulative output count in `message_delta`.
 */
import { randomString } from "./ids.ts";
import { joined } from "./shapes.ts";
import type { MockUsage, ReplyInput } from "./types.ts";

/** MockUsage.promptTokens is every input token: the uncached part is what is left after cache reads and writes. */
export function messagesUsage(u: MockUsage, outputTokens = u.completionTokens) {
  return {
    input_tokens: u.promptTokens - u.cachedTokens - u.cacheWriteTokens,
    cache_creation_input_tokens: u.cacheWriteTokens,
    cache_read_input_tokens: u.cachedTokens,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWriteTokens - (u.cacheWrite1hTokens ?? 0), ephemeral_1h_input_tokens: u.cacheWrite1hTokens ?? 0 },
    output_tokens: outputTokens,
    service_tier: "standard",
  };
}

const typed = (type: string, data: object = {}) => `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

const messageId = () => `msg_01${randomString(22)}`;
const toolUseId = () => `toolu_01${randomString(22)}`;

function contentBlocks(input: ReplyInput, toolId: string) {
  if (!input.toolCall) return [{ type: "text", text: joined(input) }];
  return [{ type: "tool_use", id: toolId, name: input.toolCall.name, input: JSON.parse(input.toolCall.arguments) as unknown }];
}

const stopReason = (input: ReplyInput) => (input.toolCall ? "tool_use" : "end_turn");

export function messagesBody(input: ReplyInput) {
  return {
    id: messageId(),
    type: "message",
    role: "assistant",
    model: input.model,
    content: contentBlocks(input, toolUseId()),
    stop_reason: stopReason(input),
    stop_sequence: null,
    usage: messagesUsage(input.usage),
  };
}

export function messagesStream(input: ReplyInput): string[] {
  const start = {
    id: messageId(),
    type: "message",
    role: "assistant",
    model: input.model,
    content: [],
    stop_reason: null,
    stop_sequence: null,
    // message_start reports the input counts and a first output count (docs' example: 1)
    usage: messagesUsage(input.usage, 1),
  };
  const block = input.toolCall
    ? [
        typed("content_block_start", { index: 0, content_block: { type: "tool_use", id: toolUseId(), name: input.toolCall.name, input: {} } }),
        typed("content_block_delta", { index: 0, delta: { type: "input_json_delta", partial_json: input.toolCall.arguments } }),
      ]
    : [
        typed("content_block_start", { index: 0, content_block: { type: "text", text: "" } }),
        typed("ping"),
        ...input.content.map((text) => typed("content_block_delta", { index: 0, delta: { type: "text_delta", text } })),
      ];
  return [
    typed("message_start", { message: start }),
    ...block,
    typed("content_block_stop", { index: 0 }),
    typed("message_delta", { delta: { stop_reason: stopReason(input), stop_sequence: null }, usage: { output_tokens: input.usage.completionTokens } }),
    typed("message_stop"),
  ];
}
