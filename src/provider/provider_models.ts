/**
 * The models an OpenAI-compatible server offers: `GET <base_url>/models`, answered with
 * `{data: [{id, …}, …]}` by Ollama, LM Studio, vLLM, OpenRouter and api.openai.com alike.
 */

import type { Credential } from "../auth/credential.ts";
import { isRecord, parseJson } from "../util/json.ts";
import { type ProviderEndpoint, routeModelList } from "./route.ts";

/** What listing needs. */
export interface ProviderModelsDeps {
  fetch: (url: string, init: RequestInit) => Promise<Response>;
  credential: Credential;
  endpoint: ProviderEndpoint;
  userAgent: string;
  /** Bounds the whole request. */
  timeoutMs: number;
}

/** The model ids, or why there are none. */
export type ProviderModels =
  | { ok: true; ids: string[] }
  | { ok: false; url: string; reason: string };

/** Lists the server's model ids, in the server's order; never throws for a network or HTTP fault. */
export async function listProviderModels(deps: ProviderModelsDeps): Promise<ProviderModels> {
  const route = routeModelList(deps.credential, deps.endpoint, deps.userAgent);
  const fail = (reason: string): ProviderModels => ({ ok: false, url: route.url, reason });
  let text: string;
  try {
    const response = await deps.fetch(route.url, {
      headers: route.headers,
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    text = await response.text();
    if (!response.ok) return fail(`HTTP ${response.status}`);
  } catch (error) {
    if (error instanceof DOMException && error.name === "TimeoutError") {
      return fail(`no answer within ${deps.timeoutMs / 1000} s`);
    }
    return fail(error instanceof Error ? error.message : String(error));
  }
  const json = parseJson(text);
  if (!isRecord(json) || !Array.isArray(json.data)) {
    return fail("the reply is not an OpenAI-style model list ({data: [{id}]})");
  }
  const ids = json.data.flatMap((entry) =>
    isRecord(entry) && typeof entry.id === "string" && entry.id !== "" ? [entry.id] : []
  );
  return { ok: true, ids };
}
