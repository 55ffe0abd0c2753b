/** `pixir resume`: one more prompt in an existing session. */

import type { Command } from "./command.ts";
import { parseFlags, withUsageHint } from "./command.ts";
import { CliFailure } from "./failure.ts";
import { executeInHost } from "./execute.ts";
import { splitPolicyFlags } from "./policy_flags.ts";
import {
  configFrom,
  credentialsFrom,
  pathsFrom,
  readPrompt,
  resolveWorkspace,
  RUN_FLAGS,
  sessionChoice,
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
import { openNamedSession, sessionModel } from "../app/session_lookup.ts";
import { IMAGE_FLAGS, imagesFrom } from "./image_flags.ts";
import { modelCatalogPath } from "../provider/model_catalog.ts";
import { ANSWER_FLAGS, answerOptionsFrom } from "./answer_flags.ts";

const FLAGS = {
  ...RUN_FLAGS,
  ...OUTPUT_FLAGS,
  ...ANSWER_FLAGS,
  ...IMAGE_FLAGS,
  last: { type: "boolean" },
} as const;

/** The `resume` command. */
export const resumeCommand: Command = withQueuedOutput({
  name: "resume",
  summary: "continue a session with another prompt",
  help: `Usage: pixir resume <session-id> [flags] "prompt"
       pixir resume --last [flags] "prompt"

Continues a session: the model sees the whole conversation so far, including tool calls and their
results. A session id may be shortened to any unique prefix. --last picks the newest session of the
current workspace. The session's workspace, model, effort and provider are kept unless --cwd,
--model, --effort, --provider (or -c) say otherwise.

Flags:
      --last           resume the newest session of this workspace
${RUN_FLAGS_HELP}
Examples:
  pixir resume --last "now add a test for it"
  pixir resume 20261124-101500-k3f9qz --json "summarise what you changed"
`,
  async run(argv, io) {
    let mode = outputModeFromArgv(argv);
    try {
      const { patch, rest: flags } = splitPolicyFlags("resume", argv, io.cwd);
      const { values, positionals } = parseFlags(resumeCommand, withWaitDefault(flags), FLAGS, {
        max: Infinity,
      });
      mode = outputMode(values);
      const rest = [...positionals];
      const idQuery = values.last ? undefined : rest.shift();
      if (!values.last && idQuery === undefined) {
        throw new CliFailure("usage", "resume: give a session id or --last", {
          hint: "see `pixir sessions` for the ids",
        });
      }
      const answer = await answerOptionsFrom(values, io.cwd);
      const prompt = await readPrompt(rest, io, "resume");
      const timeoutMs = timeoutFrom(values.timeout);
      const stopAtQuota = stopAtQuotaFrom(values["stop-at-quota"]);
      const waitForResetMs = waitForResetFrom(values["wait-for-reset"]);
      const paths = pathsFrom(io);
      const session = await openNamedSession(
        paths.sessionsDir,
        idQuery === undefined ? { last: await resolveWorkspace(".", io.cwd) } : { id: idQuery },
        io.now,
        false,
        // A new turn needs the context, not the whole history: resuming costs what it costs.
        true,
      );
      for (const warning of session.warnings) await io.stderr.write(`pixir: warning: ${warning}\n`);
      const workspace = await resolveWorkspace(values.cwd ?? session.started.cwd, io.cwd);
      const config = await configFrom(io, values, workspace);
      const { settings } = config;
      const { model, effort, provider } = sessionChoice(config, sessionModel(session));
      const pending = await imagesFrom(
        values.image,
        io.cwd,
        model,
        modelCatalogPath(paths.dataDir),
      );
      const credentials = await credentialsFrom(io, values.auth, paths, settings, provider);
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
        session: (host) => {
          host.adopt(session);
          return Promise.resolve(session);
        },
        prompt,
        model,
        effort,
        answer,
        timeoutMs,
      });
    } catch (error) {
      return await renderEarlyFailure(mode, io, withUsageHint(error, resumeCommand));
    }
  },
});
