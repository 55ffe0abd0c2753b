/**
 * The help text of the flags `run` and `resume` share. Apart from `inputs.ts`, whose other users
 * (the chat among them) need neither it nor the flag modules it names.
 */

import { ANSWER_FLAGS_HELP } from "./answer_flags.ts";
import { IMAGE_FLAGS_HELP } from "./image_flags.ts";
import { configFlagsHelp, DEFAULT_WAIT_FOR_RESET } from "./inputs.ts";
import { POLICY_FLAGS_HELP } from "./policy_flags.ts";

/** Shared help text for the flags of `run` and `resume`. */
export const RUN_FLAGS_HELP =
  `  -m, --model MODEL    model to use (default: $PIXIR_MODEL, config.toml's model, or gpt-5.5)
      --effort EFFORT  reasoning effort: none, minimal, low, medium, high, xhigh
                       (default: $PIXIR_EFFORT, model_reasoning_effort, or medium)
${configFlagsHelp()}  -C, --cwd DIR        workspace the tools work in (default: the current directory)
      --timeout SECS   stop the run after this many seconds (exit 124)
      --auth KIND      subscription (the ChatGPT sign-in) or api-key; default: the stored
                       sign-in, else OPENAI_API_KEY, else a stored API key
      --no-context     do not send the AGENTS.md files (config folder, repository root down
                       to the workspace) with the instructions
      --stop-at-quota PCT
                       end the run (exit 5) before a request once the last known 5-hour or
                       weekly quota window is at or above PCT percent
      --unattended     nobody answers questions: a command that needs approval is denied at
                       once (also when CI is set, or unattended = true in config.toml)
      --search         offer the model the provider's hosted web search (web_search = true
                       in config.toml); its searches and cited pages are shown
      --wait-for-reset[=MAX]
                       when the usage limit is reached, wait for its reset (at most MAX in all,
                       e.g. 30m or 2h; default ${DEFAULT_WAIT_FOR_RESET}) and send the same request again;
                       without it, or when the reset is further off, the run ends at once (exit 5)
${IMAGE_FLAGS_HELP}${ANSWER_FLAGS_HELP}      --json           print one final JSON object on stdout
      --jsonl          print every event as a JSON line on stdout, then the final object
  -h, --help           show this help
Permissions (see "Security model" in the README):
${POLICY_FLAGS_HELP}`;
