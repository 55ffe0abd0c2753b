/** `pixir run`: one prompt, a new session, the answer on stdout. */

import type { Command } from "./command.ts";
import { parseFlags, withUsageHint } from "./command.ts";
import { executeInHost } from "./execute.ts";
import { splitPolicyFlags } from "./policy_flags.ts";
import {
  credentialsFrom,
  pathsFrom,
  readPrompt,
  resolveWorkspace,
  RUN_FLAGS,
  settingsFrom,
  stopAtQuotaFrom,
  timeoutFrom,
  waitForResetFrom,
  withWaitDefault,
} from "./inputs.ts";
import { RUN_FLAGS_HELP } from "./run_help.ts";
import {
  OUTPUT_FLAGS,
  outputMode,
  outputModeFromArgv,
  renderEarlyFailure,
  rendererFor,
  withQueuedOutput,
} from "./output.ts";
import { IMAGE_FLAGS, imagesFrom } from "./image_flags.ts";
import { modelCatalogPath } from "../provider/model_catalog.ts";
import { ANSWER_FLAGS, answerOptionsFrom } from "./answer_flags.ts";

const FLAGS = { ...RUN_FLAGS, ...OUTPUT_FLAGS, ...ANSWER_FLAGS, ...IMAGE_FLAGS } as const;

/** The `run` command. */
export const runCommand: Command = withQueuedOutput({
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
      const { values, positionals } = parseFlags(runCommand, withWaitDefault(flags), FLAGS, {
        max: Infinity,
      });
      mode = outputMode(values);
      const answer = await answerOptionsFrom(values, io.cwd);
      const prompt = await readPrompt(positionals, io, "run");
      const timeoutMs = timeoutFrom(values.timeout);
      const stopAtQuota = stopAtQuotaFrom(values["stop-at-quota"]);
      const waitForResetMs = waitForResetFrom(values["wait-for-reset"]);
      const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
      const settings = await settingsFrom(io, values, workspace);
      const { model, effort } = settings;
      const paths = pathsFrom(io);
      const pending = await imagesFrom(
        values.image,
        io.cwd,
        model,
        modelCatalogPath(paths.dataDir),
      );
      const credentials = await credentialsFrom(io, values.auth, paths, settings);
      const renderer = rendererFor(mode, io, { structured: answer.schema !== undefined });
      return await executeInHost({
        io,
        paths,
        settings,
        credentials,
        workspace,
        stopAtQuota,
        waitForResetMs,
        withContext: !values["no-context"],
        patch,
        renderer,
        pending,
        session: (host) => host.start({ model, effort }),
        prompt,
        model,
        effort,
        answer,
        timeoutMs,
      });
    } catch (error) {
      return await renderEarlyFailure(mode, io, withUsageHint(error, runCommand));
    }
  },
});
