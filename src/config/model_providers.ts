/**
 * Model providers: where requests go, which credential they carry, and which optional request
 * fields the server accepts. Five are built in; `[model_providers.X]` adds more or adjusts these.
 */

import type { RequestFields } from "../provider/request.ts";
import type { ProviderTable } from "./config_schema.ts";
import { SettingsError } from "./settings_error.ts";

/** How a provider's requests are authorised. */
export type ProviderAuth =
  /** The ChatGPT sign-in (`pixir login`). */
  | { kind: "chatgpt" }
  /** An OpenAI API key: `OPENAI_API_KEY`, else one saved with `pixir login --with-api-key`. */
  | { kind: "openai" }
  /** A Bearer token read from the environment variable `variable`. */
  | { kind: "env_key"; variable: string }
  /** Nothing: a local server that asks for no key. */
  | { kind: "none" };

/** A provider, resolved: everything a request to it needs. */
export interface ModelProvider {
  id: string;
  /** A name for people. */
  name: string;
  /** The API root; requests go to `<baseUrl>/responses`. */
  baseUrl: string;
  auth: ProviderAuth;
  headers: Record<string, string>;
  queryParams: Record<string, string>;
  /** The context window of models Pixir has no table entry for. */
  contextWindow?: number;
  /** The optional request fields the provider accepts. */
  fields: RequestFields;
  /** Whether it accepts the hosted `web_search` tool (`supports_web_search`). */
  webSearch: boolean;
  /** What the provider takes besides text: without it, a run asking for it is refused first. */
  accepts: ProviderInputs;
}

/** Inputs a provider may or may not take; a run needing one it lacks never sends a request. */
export interface ProviderInputs {
  /** `text.format` of type `json_schema`. */
  structured_output: boolean;
  /** `input_image` content. */
  images: boolean;
}

/** OpenAI's own backends take both. */
const EVERY_INPUT: ProviderInputs = { structured_output: true, images: true };

/** A server imitating the Responses API is assumed to take neither until its table says so. */
const TEXT_ONLY: ProviderInputs = { structured_output: false, images: false };

/** Only the `reasoning` field: what servers imitating the Responses API reliably accept. */
const CONSERVATIVE: RequestFields = {
  store: false,
  encrypted_reasoning: false,
  prompt_cache_key: false,
  reasoning: true,
  parallel_tool_calls: false,
};

/** Every optional field: OpenAI's own backends. */
const EVERY_FIELD: RequestFields = {
  store: true,
  encrypted_reasoning: true,
  prompt_cache_key: true,
  reasoning: true,
  parallel_tool_calls: true,
};

/** The built-in providers, as `[model_providers.X]` tables would write them. */
export const BUILT_IN_PROVIDERS: Readonly<
  Record<string, Required<Pick<ProviderTable, "name" | "base_url">> & ProviderTable>
> = {
  chatgpt: {
    name: "ChatGPT (your subscription)",
    base_url: "https://chatgpt.com/backend-api/codex",
    ...supports(EVERY_FIELD, EVERY_INPUT),
    supports_web_search: true,
  },
  openai: {
    name: "OpenAI API",
    base_url: "https://api.openai.com/v1",
    ...supports(EVERY_FIELD, EVERY_INPUT),
    supports_web_search: true,
  },
  ollama: {
    name: "Ollama",
    base_url: "http://localhost:11434/v1",
    ...supports(CONSERVATIVE, TEXT_ONLY),
  },
  lmstudio: {
    name: "LM Studio",
    base_url: "http://localhost:1234/v1",
    ...supports(CONSERVATIVE, TEXT_ONLY),
  },
  openrouter: {
    name: "OpenRouter",
    base_url: "https://openrouter.ai/api/v1",
    env_key: "OPENROUTER_API_KEY",
    ...supports({ ...CONSERVATIVE, parallel_tool_calls: true }, EVERY_INPUT),
  },
};

/** The `supports_*` keys for a set of fields and inputs. */
function supports(fields: RequestFields, inputs: ProviderInputs): ProviderTable {
  return {
    supports_structured_output: inputs.structured_output,
    supports_images: inputs.images,
    supports_store: fields.store,
    supports_encrypted_reasoning: fields.encrypted_reasoning,
    supports_prompt_cache_key: fields.prompt_cache_key,
    supports_reasoning: fields.reasoning,
    supports_parallel_tool_calls: fields.parallel_tool_calls,
  };
}

/**
 * The provider `id` from its merged table (built-in values under the user's). Throws SettingsError
 * when a provider of the user's own has no `base_url`, or the `chatgpt` one is given a key.
 */
export function modelProvider(id: string, table: ProviderTable): ModelProvider {
  if (table.base_url === undefined) {
    throw new SettingsError(
      `model_providers.${id}: no base_url (e.g. base_url = "http://localhost:8000/v1")`,
    );
  }
  if (id === "chatgpt" && table.env_key !== undefined) {
    throw new SettingsError(
      "model_providers.chatgpt.env_key: the chatgpt provider always uses the ChatGPT sign-in; " +
        'for an API key use model_provider = "openai"',
    );
  }
  return {
    id,
    name: table.name ?? id,
    baseUrl: table.base_url,
    auth: authOf(id, table),
    headers: { ...table.http_headers },
    queryParams: { ...table.query_params },
    ...(table.model_context_window === undefined
      ? {}
      : { contextWindow: table.model_context_window }),
    fields: {
      store: table.supports_store ?? CONSERVATIVE.store,
      encrypted_reasoning: table.supports_encrypted_reasoning ?? CONSERVATIVE.encrypted_reasoning,
      prompt_cache_key: table.supports_prompt_cache_key ?? CONSERVATIVE.prompt_cache_key,
      reasoning: table.supports_reasoning ?? CONSERVATIVE.reasoning,
      parallel_tool_calls: table.supports_parallel_tool_calls ?? CONSERVATIVE.parallel_tool_calls,
    },
    webSearch: table.supports_web_search ?? false,
    accepts: {
      structured_output: table.supports_structured_output ?? TEXT_ONLY.structured_output,
      images: table.supports_images ?? TEXT_ONLY.images,
    },
  };
}

function authOf(id: string, table: ProviderTable): ProviderAuth {
  if (id === "chatgpt") return { kind: "chatgpt" };
  if (table.env_key !== undefined) return { kind: "env_key", variable: table.env_key };
  return id === "openai" ? { kind: "openai" } : { kind: "none" };
}
