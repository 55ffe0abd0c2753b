/** The models Pixir knows by name, with the size of their context windows. */

/** A known model. */
export interface ModelInfo {
  /** The model's name as the API takes it. */
  name: string;
  /** How many tokens one request may hold (input and output together). */
  contextWindow: number;
}

/** The models offered for completion in chat; other names still work, with an unknown window. */
export const KNOWN_MODELS: readonly ModelInfo[] = [
  { name: "gpt-5.5", contextWindow: 272_000 },
  { name: "gpt-5.4", contextWindow: 272_000 },
  { name: "gpt-5.3-codex", contextWindow: 272_000 },
  { name: "gpt-5.2", contextWindow: 272_000 },
  { name: "gpt-5.1", contextWindow: 272_000 },
  { name: "gpt-5", contextWindow: 272_000 },
  { name: "gpt-5-mini", contextWindow: 272_000 },
  { name: "gpt-4.1", contextWindow: 1_047_576 },
];

/**
 * The context window of `model` in tokens, or undefined when unknown. A dated or suffixed variant
 * (`gpt-5.5-2026-01-01`) has the window of the longest known name it starts with.
 */
export function contextWindow(model: string): number | undefined {
  let best: ModelInfo | undefined;
  for (const info of KNOWN_MODELS) {
    const matches = model === info.name || model.startsWith(`${info.name}-`);
    if (matches && (best === undefined || info.name.length > best.name.length)) best = info;
  }
  return best?.contextWindow;
}
