/**
 * Whether a provider can take what a run asks of it: a structured answer (`text.format` of type
 * `json_schema`) or images. Decided from the provider's declared `supports_*` keys before any
 * request, so a server that would ignore the format or reject the images is never sent them.
 */

import type { ModelProvider } from "./model_providers.ts";

/** What a run needs beyond text. */
export interface ProviderNeeds {
  structuredOutput?: boolean;
  images?: boolean;
}

/** Why the provider cannot serve the run, and how to say it can. */
export interface ProviderRefusal {
  message: string;
  hint: string;
}

/** The first need `provider` does not declare it accepts; null when it takes all of them. */
export function providerRefusal(
  provider: ModelProvider,
  needs: ProviderNeeds,
): ProviderRefusal | null {
  if (needs.structuredOutput && !provider.accepts.structured_output) {
    return refusal(
      provider,
      "structured output (text.format of type json_schema)",
      "structured_output",
    );
  }
  if (needs.images && !provider.accepts.images) {
    return refusal(provider, "images (input_image content)", "images");
  }
  return null;
}

function refusal(provider: ModelProvider, what: string, key: string): ProviderRefusal {
  const setting = `model_providers.${provider.id}.supports_${key}`;
  return {
    message: `the provider ${provider.id} does not accept ${what}`,
    hint: `pick another provider with --provider, or, if it does accept them, set ${setting} = ` +
      `true in config.toml (or -c ${setting}=true)`,
  };
}
