/**
 * Items of the Responses API as Pixir sends and receives them: the `input` array of a request and
 * the finished items of `response.output_item.done`.
 */

/** Text typed by the user or injected as context. */
export interface InputText {
  type: "input_text";
  text: string;
}

/** An image given to the model: a `data:` URL (or, inside history, a stored image's reference). */
export interface InputImage {
  type: "input_image";
  image_url: string;
}

/** Text written by the model. */
export interface OutputText {
  type: "output_text";
  text: string;
  annotations?: unknown[];
}

/** A web page the answer cites (`url_citation` annotation); indexes are into the message text. */
export interface UrlCitation {
  url: string;
  title: string;
  start_index: number;
  end_index: number;
}

/**
 * A search the model ran with the hosted web search tool. `action` is kept as the server sent it
 * (`{type:"search",query,…}`, `open_page`, `find_in_page`…), so it is replayed faithfully.
 */
export interface WebSearchCallItem {
  type: "web_search_call";
  id?: string;
  status: string;
  action: Record<string, unknown>;
}

/** A user or developer message in `input`. */
export interface UserMessageItem {
  type: "message";
  role: "user" | "developer";
  content: (InputText | InputImage)[];
}

/** An assistant message, as received or replayed. */
export interface AssistantMessageItem {
  type: "message";
  role: "assistant";
  content: OutputText[];
  id?: string;
  status?: string;
  phase?: string;
  /** The web pages the text cites, read from its parts' `url_citation` annotations. */
  citations?: UrlCitation[];
}

/** One summary paragraph of a reasoning item. */
export interface SummaryText {
  type: "summary_text";
  text: string;
}

/** A reasoning item; `encrypted_content` is opaque and replayed only to the model that made it. */
export interface ReasoningItem {
  type: "reasoning";
  id?: string;
  summary: SummaryText[];
  encrypted_content?: string | null;
}

/** A call of one of Pixir's function tools; `arguments` is a JSON string. */
export interface FunctionCallItem {
  type: "function_call";
  id?: string;
  call_id: string;
  name: string;
  arguments: string;
  status?: string;
}

/** The result of a function call, sent back to the model. */
export interface FunctionCallOutputItem {
  type: "function_call_output";
  call_id: string;
  output: string;
}

/** Any item Pixir puts in a request's `input`. */
export type InputItem =
  | UserMessageItem
  | AssistantMessageItem
  | ReasoningItem
  | FunctionCallItem
  | FunctionCallOutputItem
  | WebSearchCallItem;

/** Any finished output item Pixir understands. */
export type OutputItem =
  | AssistantMessageItem
  | ReasoningItem
  | FunctionCallItem
  | WebSearchCallItem;

/** Token counts of one model call, flattened from the `usage` object of the terminal event. */
export interface Usage {
  input_tokens: number;
  cached_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  total_tokens: number;
}
