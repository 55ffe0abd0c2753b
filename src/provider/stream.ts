/**
 * Stream reduction: the SSE messages of one HTTP response become the `ModelEvent`s the agent
 * consumes, ending in exactly one `done` or `failed`.
 */

import { classifyStreamFailure } from "./classify.ts";
import type { ModelEvent } from "./model_event.ts";
import type { SseMessage } from "./sse.ts";
import { parseStreamEvent } from "./stream_event.ts";

/**
 * Reads one response's messages. Finished items come from `response.output_item.done` only:
 * `response.completed` often carries an empty `output`. Stops at the terminal event even when the
 * server keeps the connection open (leaving the loop closes `messages`, which cancels the body).
 */
export async function* readModelStream(
  messages: AsyncIterable<SseMessage>,
): AsyncGenerator<ModelEvent> {
  for await (const message of messages) {
    const event = parseStreamEvent(message);
    switch (event?.type) {
      case undefined:
      case "ignored":
        break;
      case "response.created":
        yield { type: "created", response_id: event.response_id };
        break;
      case "response.output_text.delta":
        yield { type: "text_delta", item_id: event.item_id, delta: event.delta };
        break;
      case "response.reasoning_summary_text.delta":
        yield { type: "reasoning_delta", item_id: event.item_id, delta: event.delta };
        break;
      case "response.output_item.done":
        yield { type: "item", item: event.item };
        break;
      case "response.completed": {
        const { type: _completed, ...fields } = event;
        yield { type: "done", status: "completed", ...fields };
        return;
      }
      case "response.incomplete": {
        const { type: _incomplete, ...fields } = event;
        yield { type: "done", status: "incomplete", ...fields };
        return;
      }
      case "response.failed":
      case "error":
        yield { type: "failed", error: classifyStreamFailure(event.error) };
        return;
    }
  }
  yield {
    type: "failed",
    error: {
      kind: "stream_closed",
      message: "stream closed before response.completed",
      retryable: true,
    },
  };
}
