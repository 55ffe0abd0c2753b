/** `pixir review`: a read-only review of a diff by the model, printed as findings. */

import type { Command } from "./command.ts";
import { parseFlags, withUsageHint } from "./command.ts";
import { CliFailure, EXIT, storageFailure } from "./failure.ts";
import { executeInHost } from "./execute.ts";
import { withQueuedOutput } from "./output.ts";
import {
  configFlagsHelp,
  credentialsFrom,
  pathsFrom,
  resolveWorkspace,
  RUN_FLAGS,
  settingsFrom,
  stopAtQuotaFrom,
  timeoutFrom,
  waitForResetFrom,
  withWaitDefault,
} from "./inputs.ts";
import { Failure } from "../app/failure.ts";
import { gitRunner, type ReviewDiff, reviewDiff, type ReviewTarget } from "../app/review_diff.ts";
import {
  describeTarget,
  REVIEW_TOOLS,
  type ReviewAnswer,
  reviewPrompt,
  reviewSchema,
  SEVERITIES,
  type Severity,
  severityNamed,
} from "../app/review.ts";
import { trustedSearchPath } from "../policy/search_path.ts";
import type { Renderer } from "../ui/renderer.ts";
import { plainRenderer } from "../ui/plain.ts";
import { NO_USAGE, type RunResult } from "../ui/result.ts";
import { describeReview, failing, reviewResult } from "../ui/review_report.ts";
import { styleFor } from "../ui/style.ts";
import type { Io } from "../util/io.ts";

const FLAGS = {
  ...RUN_FLAGS,
  uncommitted: { type: "boolean" },
  base: { type: "string" },
  commit: { type: "string" },
  json: { type: "boolean" },
  "fail-on": { type: "string" },
} as const;

/** The `review` command. */
export const reviewCommand: Command = withQueuedOutput({
  name: "review",
  summary: "review a diff with the model and print its findings",
  help: `Usage: pixir review [--uncommitted | --base BRANCH | --commit SHA] [flags]

Sends a diff to the model with review instructions and prints what it finds: file, line range,
severity (${SEVERITIES.join(", ")}), title and explanation. The model may read files of the
repository (read, ls, find, grep) but cannot write or run commands. Findings go to stdout; progress
and the session id (continue with \`pixir resume ID\`) to stderr. A diff over 200 kB is cut at file
boundaries; the files left out are named.

What to review (one of; default --uncommitted):
      --uncommitted    staged, unstaged and untracked changes against HEAD
      --base BRANCH    this branch's changes since it left BRANCH (from their merge base)
      --commit SHA     one commit

Flags:
      --fail-on SEVERITY
                       exit ${EXIT.findings} when a finding is at least this severe (${
    SEVERITIES.join(", ")
  })
      --json           print one JSON object (see "pixir review" in the README)
  -m, --model MODEL    model to use
      --effort EFFORT  reasoning effort: none, minimal, low, medium, high, xhigh
${configFlagsHelp()}  -C, --cwd DIR        a folder inside the repository (default: the current directory)
      --timeout SECS   stop the review after this many seconds (exit 124)
      --auth KIND      subscription or api-key
      --no-context     do not send the AGENTS.md files
      --stop-at-quota PCT
                       end (exit 5) before a request once a quota window is at or above PCT
      --wait-for-reset[=MAX]
                       wait for a usage limit's reset (at most MAX) instead of ending (exit 5)
      --unattended     accepted for symmetry with run; a review asks nothing
  -h, --help           show this help

Examples:
  pixir review
  pixir review --base main --fail-on high
  pixir review --commit HEAD --json > review.json
`,
  async run(argv, io) {
    const json = argv.includes("--json");
    let failOn: Severity | null = null;
    let target: ReviewTarget = { kind: "uncommitted" };
    try {
      const { values } = parseFlags(reviewCommand, withWaitDefault(argv), FLAGS);
      target = targetFrom(values);
      failOn = failOnFrom(values["fail-on"]);
      const timeoutMs = timeoutFrom(values.timeout);
      const stopAtQuota = stopAtQuotaFrom(values["stop-at-quota"]);
      const waitForResetMs = waitForResetFrom(values["wait-for-reset"]);
      const folder = await resolveWorkspace(values.cwd ?? ".", io.cwd);
      const git = gitRunner(folder, trustedSearchPath(io.env("PATH") ?? "", [folder]));
      const diff = await reviewDiff(git, target);
      if (diff.files === 0) {
        await io.stderr.write(
          `pixir: nothing to review: the diff of ${describeTarget(target)} is empty\n`,
        );
        if (json) await printJson(io, { diff, failOn });
        else await io.stdout.write("no changes to review\n");
        return EXIT.ok;
      }
      if (diff.leftOut.length > 0) await io.stderr.write(`pixir: ${cutNotice(diff)}\n`);
      // The model reads files by the diff's paths, so the tools work in the repository's root.
      const workspace = await resolveWorkspace(diff.root, io.cwd);
      const settings = await settingsFrom(io, values, workspace);
      const paths = pathsFrom(io);
      const credentials = await credentialsFrom(io, values.auth, paths, settings);
      const renderer = reviewRenderer(io, json, diff, failOn);
      const code = await executeInHost({
        io,
        paths,
        settings,
        credentials,
        workspace,
        stopAtQuota,
        waitForResetMs,
        withContext: !values["no-context"],
        // Only the reading tools are offered, so whatever the workspace's saved policy grants
        // (even -A), nothing can write or run: a call to another tool is an unknown tool.
        patch: {},
        toolNames: REVIEW_TOOLS,
        renderer,
        pending: [],
        session: (host) => host.start({ model: settings.model, effort: settings.effort }),
        prompt: reviewPrompt(diff),
        model: settings.model,
        effort: settings.effort,
        answer: { schema: reviewSchema() },
        timeoutMs,
      });
      if (code !== EXIT.ok) return code;
      const count = failing(renderer.answer()?.findings ?? [], failOn);
      if (count === 0) return EXIT.ok;
      await io.stderr.write(
        `pixir: ${count} finding${count === 1 ? "" : "s"} at or above ${failOn} (--fail-on)\n`,
      );
      return EXIT.findings;
    } catch (error) {
      const shaped = withUsageHint(error, reviewCommand);
      const failure = shaped instanceof Failure ? CliFailure.from(shaped) : storageFailure(shaped);
      if (failure === undefined) throw error;
      if (json) await printJson(io, { target, failOn, error: failure.toJSON() });
      await io.stderr.write(`pixir: ${failure.message}\n`);
      if (failure.hint) await io.stderr.write(`  ${failure.hint}\n`);
      return failure.exitCode;
    }
  },
});

/** The flag values that choose what is reviewed. */
interface TargetFlags {
  uncommitted?: boolean;
  base?: string;
  commit?: string;
}

function targetFrom(values: TargetFlags): ReviewTarget {
  const chosen = [values.uncommitted, values.base, values.commit].filter((v) => v !== undefined);
  if (chosen.length > 1) {
    throw new CliFailure("usage", "review: give only one of --uncommitted, --base, --commit");
  }
  if (values.base !== undefined) return { kind: "base", branch: values.base };
  if (values.commit !== undefined) return { kind: "commit", sha: values.commit };
  return { kind: "uncommitted" };
}

function failOnFrom(value: string | undefined): Severity | null {
  if (value === undefined) return null;
  const severity = severityNamed(value);
  if (severity === null) {
    throw new CliFailure(
      "usage",
      `--fail-on: "${value}" is not one of ${SEVERITIES.join(", ")}`,
    );
  }
  return severity;
}

/** The notice of a diff cut to the budget. */
function cutNotice(diff: ReviewDiff): string {
  const sent = diff.files - diff.leftOut.length;
  const shown = diff.leftOut.slice(0, 5).join(", ");
  const more = diff.leftOut.length > 5 ? ` and ${diff.leftOut.length - 5} more` : "";
  return `the diff is ${kilobytes(diff.bytes)} in ${diff.files} files, more than a review sends: ` +
    `${sent} files are sent whole, ${diff.leftOut.length} are left out (named to the model, ` +
    `which may read them): ${shown}${more}; review smaller parts with --commit or --base`;
}

function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024)} kB`;
}

/** The review's JSON object, also for a review that never reached the model. */
async function printJson(
  io: Io,
  x: {
    diff?: ReviewDiff;
    target?: ReviewTarget;
    failOn: Severity | null;
    result?: RunResult;
    error?: RunResult["error"];
  },
): Promise<void> {
  const result = reviewResult({
    sessionId: x.result?.session_id ?? null,
    target: x.diff?.target ?? x.target ?? { kind: "uncommitted" },
    diff: x.diff ?? null,
    answer: x.result?.output === undefined ? null : x.result.output as ReviewAnswer,
    failOn: x.failOn,
    usage: x.result?.usage ?? NO_USAGE,
    error: x.error ?? x.result?.error,
  });
  await io.stdout.write(`${JSON.stringify(result)}\n`);
}

/** A renderer that shows progress on stderr and ends with the findings; keeps the answer. */
interface ReviewRenderer extends Renderer {
  /** The checked answer, once the review has finished with one. */
  answer(): ReviewAnswer | undefined;
}

function reviewRenderer(
  io: Io,
  json: boolean,
  diff: ReviewDiff,
  failOn: Severity | null,
): ReviewRenderer {
  const noColor = io.env("NO_COLOR");
  const progress = plainRenderer(io, styleFor(io.stderr.isTerminal, noColor), { answer: false });
  let answer: ReviewAnswer | undefined;
  return {
    event: (envelope) => progress.event(envelope),
    async finish(result, hint) {
      // The output was checked against the review's schema before it got here.
      answer = result.output === undefined ? undefined : result.output as ReviewAnswer;
      if (json) await printJson(io, { diff, failOn, result });
      else if (answer) {
        await io.stdout.write(describeReview(answer, styleFor(io.stdout.isTerminal, noColor)));
      }
      await progress.finish(result, hint);
    },
    answer: () => answer,
  };
}
