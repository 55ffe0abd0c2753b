/** Server-sent events encoding for the loopback Responses stand-in, with the framings seen in the wild. */

/** One Responses API stream event: a JSON object whose `type` names it. */
export interface StreamEvent {
  type: string;
  [field: string]: unknown;
}

/** `event:` + `data:` lines (what the backend sends) or `data:` lines alone (what some servers send). */
export type SseFraming = "event+data" | "data-only";

/** The line terminator; SSE allows both, and clients must split on either. */
export type LineEnding = "\n" | "\r\n";

/** How events are written as SSE text. */
export interface SseOptions {
  /** Default `"event+data"`. */
  framing?: SseFraming;
  /** Default `"\n"`. */
  lineEnding?: LineEnding;
  /** When set, a `: <comment>` keep-alive block precedes every event. */
  comment?: string;
  /** Spread each event's JSON over several `data:` lines (clients join them with `\n`). */
  multilineData?: boolean;
}

/** Encodes one event as an SSE block, terminated by its blank line. */
export function encodeSseEvent(event: StreamEvent, options: SseOptions = {}): string {
  const eol = options.lineEnding ?? "\n";
  const lines: string[] = [];
  if (options.comment !== undefined) lines.push(`: ${options.comment}`, "");
  if ((options.framing ?? "event+data") === "event+data") lines.push(`event: ${event.type}`);
  const json = options.multilineData ? JSON.stringify(event, null, 1) : JSON.stringify(event);
  for (const line of json.split("\n")) lines.push(`data: ${line}`);
  return lines.join(eol) + eol + eol;
}

/** Encodes a sequence of events as one SSE body. */
export function encodeSse(events: readonly StreamEvent[], options: SseOptions = {}): string {
  return events.map((event) => encodeSseEvent(event, options)).join("");
}
