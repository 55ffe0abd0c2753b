/** `pixir run`: one prompt, a new session, the answer on stdout. */

import type { Command } from "./command.ts";
import { parseFlags, withUsageHint } from "./command.ts";
import { execute, workspaceSetup } from "./execute.ts";
import { POLICY_FLAGS_HELP, splitPolicyFlags } from "./policy_flags.ts";
import {
  credentialsFrom,
  modelChoice,
  pathsFrom,
  readPrompt,
  resolveWorkspace,
  RUN_FLAGS,
  settingsFrom,
  stopAtQuotaFrom,
  timeoutFrom,
} from "./inputs.ts";
import {
  OUTPUT_FLAGS,
  outputMode,
  outputModeFromArgv,
  renderEarlyFailure,
  rendererFor,
} from "./output.ts";
import { createSession } from "../agent/session.ts";
import { VERSION } from "../version.ts";

const FLAGS = { ...RUN_FLAGS, ...OUTPUT_FLAGS } as const;

/** Shared help text for the flags of `run` and `resume`. */
export const RUN_FLAGS_HELP =
  `  -m, --model MODEL    model to use (default: $PIXIR_MODEL or gpt-5.5)
      --effort EFFORT  reasoning effort: none, minimal, low, medium, high, xhigh
                       (default: $PIXIR_EFFORT or medium)
  -C, --cwd DIR        workspace the tools work in (default: the current directory)
      --timeout SECS   stop the run after this many seconds (exit 124)
      --auth KIND      subscription (the ChatGPT sign-in) or api-key; default: the stored
                       sign-in, else OPENAI_API_KEY, else a stored API key
      --no-context     do not send the AGENTS.md files (config folder, repository root down
                       to the workspace) with the instructions
      --stop-at-quota PCT
                       end the run (exit 5) before a request once the last known 5-hour or
                       weekly quota window is at or above PCT percent
      --json           print one final JSON object on stdout
      --jsonl          print every event as a JSON line on stdout, then the final object
  -h, --help           show this help
Permissions (see "Security model" in the README):
${POLICY_FLAGS_HELP}`;

/** The `run` command. */
export const runCommand: Command = {
  name: "run",
  summary: "run one prompt in a new session and print the answer",
  help: `Usage: pixir run [flags] "prompt"
       echo "prompt" | pixir run [flags]
       pixir run [flags] -            (read the prompt from stdin)

Runs one agent turn: the model answers, calling tools (read, write, edit, bash, ls, find, grep) in the
workspace as needed. The answer goes to stdout; tool activity and the resume hint go to stderr.

Flags:
${RUN_FLAGS_HELP}
Environment:
  OPENAI_API_KEY       API key for the OpenAI Responses API (used when not signed in with ChatGPT)
  OPENAI_BASE_URL      API base URL (default: https://api.openai.com/v1)
  PIXIR_HOME           folder for all of Pixir's files (sessions, config)

Examples:
  pixir run "explain what src/main.ts does"
  git diff | pixir run --json "review this change"
  pixir run --stop-at-quota 90 --no-context "fix the failing test"
`,
  async run(argv, io) {
    let mode = outputModeFromArgv(argv);
    try {
      const { patch, rest: flags } = splitPolicyFlags("run", argv, io.cwd);
      const { values, positionals } = parseFlags(runCommand, flags, FLAGS, { max: Infinity });
      mode = outputMode(values);
      const prompt = await readPrompt(positionals, io, "run");
      const settings = settingsFrom(io);
      const { model, effort } = modelChoice(values, settings);
      const timeoutMs = timeoutFrom(values.timeout);
      const stopAtQuota = stopAtQuotaFrom(values["stop-at-quota"]);
      const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
      const paths = pathsFrom(io);
      const credentials = await credentialsFrom(io, values.auth, paths);
      const session = await createSession({
        sessionsDir: paths.sessionsDir,
        cwd: workspace,
        model,
        effort,
        version: VERSION,
        now: io.now,
        random: io.random,
      });
      return await execute({
        io,
        session,
        prompt,
        model,
        effort,
        workspace,
        settings,
        credentials,
        renderer: rendererFor(mode, io),
        timeoutMs,
        stopAtQuota,
        ...await workspaceSetup(io, paths, workspace, {
          withContext: !values["no-context"],
          patch,
        }),
        fresh: true,
      });
    } catch (error) {
      return await renderEarlyFailure(mode, io, withUsageHint(error, runCommand));
    }
  },
};
