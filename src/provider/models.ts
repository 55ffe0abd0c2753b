/**
 * What Pixir knows about each model without asking a server: its context window (the most input
 * tokens a request may carry) and the reasoning efforts it accepts. A model the table does not
 * know gets a conservative default, so accounting errs towards "fuller than it is".
 */

import type { ReasoningEffort } from "./request.ts";

/** The facts about one model. */
export interface ModelInfo {
  /** The model's name as sent in requests. */
  slug: string;
  /** Most input tokens one request may carry. */
  context_window: number;
  /** The efforts the model accepts. */
  efforts: readonly ReasoningEffort[];
  /** False when the model takes text only (no `input_image`); absent: not known to refuse them. */
  images?: boolean;
}

/** The input limit observed on the current GPT-5 family (400k total, 272k of it input). */
const WIDE_WINDOW = 272_000;

/** The window assumed for a model not in the table. */
export const DEFAULT_CONTEXT_WINDOW = 128_000;

const STANDARD_EFFORTS: readonly ReasoningEffort[] = ["low", "medium", "high", "xhigh"];
const DEFAULT_EFFORTS: readonly ReasoningEffort[] = ["low", "medium", "high"];

/** The built-in table, newest models first. */
export const MODEL_TABLE: readonly ModelInfo[] = [
  { slug: "gpt-5.6-sol", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
  { slug: "gpt-5.6", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
  { slug: "gpt-5.5", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
  { slug: "gpt-5.4", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
  { slug: "gpt-5.4-mini", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
  { slug: "gpt-5.3-codex", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
  {
    slug: "gpt-5.3-codex-spark",
    context_window: 128_000,
    efforts: STANDARD_EFFORTS,
    images: false,
  },
  { slug: "gpt-5.2", context_window: WIDE_WINDOW, efforts: STANDARD_EFFORTS },
];

/**
 * The facts about `slug`: from `catalog` (e.g. the backend's list) when it knows the model, else
 * from the built-in table, else the conservative default.
 */
export function modelInfo(slug: string, catalog: readonly ModelInfo[] = []): ModelInfo {
  return catalog.find((m) => m.slug === slug) ??
    MODEL_TABLE.find((m) => m.slug === slug) ??
    { slug, context_window: DEFAULT_CONTEXT_WINDOW, efforts: DEFAULT_EFFORTS };
}
