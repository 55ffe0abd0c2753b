/**
 * What `pixir review` prints: the findings for a person (most severe first, each with file, line
 * range, severity, title and explanation), or one JSON object for scripts (`--json`).
 */

import type { Usage } from "../provider/item.ts";
import {
  type Finding,
  ordered,
  type ReviewAnswer,
  SEVERITIES,
  type Severity,
} from "../app/review.ts";
import type { ReviewDiff, ReviewTarget } from "../app/review_diff.ts";
import type { ResultError } from "./result.ts";
import type { Style } from "./style.ts";
import { terminalLine, terminalText } from "./terminal_text.ts";

/** Version of the review's JSON object. */
export const REVIEW_RESULT_VERSION = 1;

/** The JSON object of `pixir review --json` (documented in the README). */
export interface ReviewResult {
  v: number;
  ok: boolean;
  session_id: string | null;
  target: ReviewTarget;
  /** The diff's size; null when the review failed before git made it. */
  diff: {
    files: number;
    bytes: number;
    /** Files whose diff did not fit and was not sent (the model could still read them). */
    left_out: string[];
  } | null;
  summary: string;
  findings: Finding[];
  /** `--fail-on`, and how many findings reached it. */
  fail_on: Severity | null;
  failing: number;
  usage: Usage;
  error?: ResultError;
}

/** What the review's outcome is made of. */
export interface ReviewOutcome {
  sessionId: string | null;
  target: ReviewTarget;
  diff: ReviewDiff | null;
  answer: ReviewAnswer | null;
  failOn: Severity | null;
  usage: Usage;
  error?: ResultError;
}

/** The JSON object for `outcome`. */
export function reviewResult(outcome: ReviewOutcome): ReviewResult {
  const findings = ordered(outcome.answer?.findings ?? []);
  const result: ReviewResult = {
    v: REVIEW_RESULT_VERSION,
    ok: outcome.error === undefined,
    session_id: outcome.sessionId,
    target: outcome.target,
    diff: outcome.diff === null
      ? null
      : { files: outcome.diff.files, bytes: outcome.diff.bytes, left_out: outcome.diff.leftOut },
    summary: outcome.answer?.summary ?? "",
    findings,
    fail_on: outcome.failOn,
    failing: failing(findings, outcome.failOn),
    usage: outcome.usage,
  };
  if (outcome.error) result.error = outcome.error;
  return result;
}

/** How many findings are at least as severe as `failOn` (none without it). */
export function failing(findings: readonly Finding[], failOn: Severity | null): number {
  if (failOn === null) return 0;
  const limit = SEVERITIES.indexOf(failOn);
  return findings.filter((f) => SEVERITIES.indexOf(f.severity) <= limit).length;
}

/** The findings as a person reads them, ending with a count per severity. */
export function describeReview(answer: ReviewAnswer, style: Style): string {
  const findings = ordered(answer.findings);
  const out: string[] = [];
  if (answer.summary.trim() !== "") out.push(terminalText(answer.summary.trim()), "");
  for (const finding of findings) {
    const lines = finding.start_line === finding.end_line
      ? `${finding.start_line}`
      : `${finding.start_line}-${finding.end_line}`;
    out.push(
      `${severityLabel(finding.severity, style)} ${style.bold(terminalLine(finding.title))}`,
      `  ${style.cyan(`${terminalLine(finding.file)}:${lines}`)}`,
      ...wrap(terminalText(finding.explanation), 76).map((line) => `  ${line}`),
      "",
    );
  }
  out.push(countLine(findings));
  return `${out.join("\n")}\n`;
}

function severityLabel(severity: Severity, style: Style): string {
  const label = `[${severity}]`;
  switch (severity) {
    case "critical":
    case "high":
      return style.red(label);
    case "medium":
      return style.yellow(label);
    case "low":
      return style.dim(label);
  }
}

function countLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return "no findings";
  const counts = SEVERITIES.map((s) =>
    [s, findings.filter((f) => f.severity === s).length] as const
  )
    .filter(([, n]) => n > 0).map(([s, n]) => `${n} ${s}`);
  return `${findings.length} finding${findings.length === 1 ? "" : "s"} (${counts.join(", ")})`;
}

/** `text` wrapped at spaces to lines of at most `width` characters (longer words kept whole). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split("\n")) {
    let line = "";
    for (const word of paragraph.split(/ +/)) {
      if (line !== "" && line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === "" ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}
