/**
 * `pixir review`: what the model is asked (review instructions and the diff), what it must answer
 * (findings matching a JSON schema, asked for as structured output and checked locally), and how
 * findings turn into a CI gate (`--fail-on`).
 */

import { type OutputSchema, outputSchema } from "../agent/output_schema.ts";
import type { ReviewDiff, ReviewTarget } from "./review_diff.ts";

/** Severities, most severe first. */
export const SEVERITIES = ["critical", "high", "medium", "low"] as const;

/** How much a finding matters. */
export type Severity = typeof SEVERITIES[number];

/** One problem the review found. */
export interface Finding {
  /** Path relative to the repository root, as the diff names it. */
  file: string;
  start_line: number;
  end_line: number;
  severity: Severity;
  title: string;
  explanation: string;
}

/** The model's whole answer. */
export interface ReviewAnswer {
  /** A few sentences on the change as a whole. */
  summary: string;
  findings: Finding[];
}

/** The tools a review may use: reading only, never writing or running commands. */
export const REVIEW_TOOLS: readonly string[] = ["read", "ls", "find", "grep"];

/** The JSON Schema of the answer (strict: every object closed, every property required). */
export const REVIEW_ANSWER_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["summary", "findings"],
  properties: {
    summary: { type: "string" },
    findings: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["file", "start_line", "end_line", "severity", "title", "explanation"],
        properties: {
          file: { type: "string" },
          start_line: { type: "integer", minimum: 1 },
          end_line: { type: "integer", minimum: 1 },
          severity: { type: "string", enum: [...SEVERITIES] },
          title: { type: "string" },
          explanation: { type: "string" },
        },
      },
    },
  },
} as const;

/** The compiled schema, for the request's `text.format` and the local check. */
export function reviewSchema(): OutputSchema {
  return outputSchema(REVIEW_ANSWER_SCHEMA);
}

/** The severity a `--fail-on` value names; null for anything else. */
export function severityNamed(name: string): Severity | null {
  return (SEVERITIES as readonly string[]).includes(name) ? name as Severity : null;
}

/** Whether `finding` is as severe as `threshold` or more. */
export function atLeast(finding: Finding, threshold: Severity): boolean {
  return SEVERITIES.indexOf(finding.severity) <= SEVERITIES.indexOf(threshold);
}

/** Findings ordered most severe first, then by file and line. */
export function ordered(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) =>
    SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity) ||
    a.file.localeCompare(b.file) || a.start_line - b.start_line
  );
}

/** What the review covers, in words. */
export function describeTarget(target: ReviewTarget): string {
  switch (target.kind) {
    case "uncommitted":
      return "the uncommitted changes (staged, unstaged and untracked files)";
    case "base":
      return `the changes of this branch against ${target.branch} (from their merge base)`;
    case "commit":
      return `the commit ${target.sha}`;
  }
}

/** The prompt of a review: the instructions, what was left out, and the diff. */
export function reviewPrompt(diff: ReviewDiff): string {
  const lines = [
    `Review ${describeTarget(diff.target)} in this repository, as a careful senior engineer would.`,
    "",
    "Report only real problems the change introduces: bugs, security holes, data loss, race",
    "conditions, broken error handling, missing or wrong tests for changed behaviour, and clear",
    "maintainability traps. No style nits, no praise, no restating the change. Read the files",
    "around a hunk with the read, grep, find and ls tools when you need context; you cannot edit",
    "anything or run commands.",
    "",
    "For each finding give the file (as the diff names it), the line range in the new version,",
    "a severity (critical: exploitable or data-losing; high: a bug users will hit; medium: a bug",
    "in an edge case or a missing test; low: worth fixing, not urgent), a short title, and an",
    "explanation saying what goes wrong, when, and how to fix it. An empty list is a fine answer.",
    'Answer with JSON only: {"summary": "…", "findings": [{"file", "start_line", "end_line",',
    '"severity", "title", "explanation"}]}.',
  ];
  if (diff.message) lines.push("", "The commit's message:", indent(diff.message));
  if (diff.leftOut.length > 0) {
    lines.push(
      "",
      `The diff is too large to send whole: ${diff.leftOut.length} of ${diff.files} files are ` +
        "left out below. Read those with the tools if they matter:",
      ...diff.leftOut.map((file) => `- ${file}`),
    );
  }
  // A fence longer than any run of backticks in the diff, so the diff cannot end it.
  const longest = Math.max(2, ...[...diff.text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  lines.push("", "The diff:", "", `${fence}diff`, diff.text.trimEnd(), fence);
  return lines.join("\n");
}

function indent(text: string): string {
  return text.split("\n").map((line) => `    ${line}`).join("\n");
}
