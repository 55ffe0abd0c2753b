/** `pixir run`: one prompt, a new session, the answer on stdout. */

import type { Command } from "./command.ts";
import { parseFlags } from "./command.ts";
import { execute, workspaceSetup } from "./execute.ts";
import { splitPolicyFlags } from "./policy_flags.ts";
import {
  credentialsFrom,
  pathsFrom,
  readPrompt,
  resolveWorkspace,
  RUN_FLAGS,
  RUN_FLAGS_HELP,
  settingsFrom,
  stopAtQuotaFrom,
  timeoutFrom,
  waitForResetFrom,
  withWaitDefault,
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
      const { values, positionals } = parseFlags("run", withWaitDefault(flags), FLAGS);
      mode = outputMode(values);
      const prompt = await readPrompt(positionals, io, "run");
      const timeoutMs = timeoutFrom(values.timeout);
      const stopAtQuota = stopAtQuotaFrom(values["stop-at-quota"]);
      const waitForResetMs = waitForResetFrom(values["wait-for-reset"]);
      const workspace = await resolveWorkspace(values.cwd ?? ".", io.cwd);
      const settings = await settingsFrom(io, values, workspace);
      const { model, effort } = settings;
      const paths = pathsFrom(io);
      const credentials = await credentialsFrom(io, values.auth, paths, settings);
      const session = await createSession({
        sessionsDir: paths.sessionsDir,
        cwd: workspace,
        model,
        effort,
        provider: credentials.modelProvider.id,
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
        waitForResetMs,
        ...await workspaceSetup(io, paths, workspace, {
          withContext: !values["no-context"],
          patch,
        }),
        fresh: true,
      });
    } catch (error) {
      return await renderEarlyFailure(mode, io, error);
    }
  },
};
