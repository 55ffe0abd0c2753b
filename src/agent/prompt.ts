/**
 * Pixir's instructions: the system prompt sent as `instructions` with every request — the base
 * text, followed by the project context (`AGENTS.md` files) when there is any — and the
 * environment message of each turn. The instructions hold nothing that changes within a session,
 * so a resumed session (even on another day) re-sends the same cached prefix; the date and the
 * workspace go in the environment message, logged with the turn's prompt.
 */

import type { ContextFile } from "./project_context.ts";

/** What the instructions are built from. */
export interface PromptContext {
  /** The project-context files, in order (user's first, nearest last); none with `--no-context`. */
  projectContext?: readonly ContextFile[];
  /** The list of skills (`skillsSection`), after the project context; "" or absent: none. */
  skills?: string;
}

/** The facts of a turn's environment. */
export interface EnvironmentFacts {
  /** The workspace root the tools are confined to. */
  cwd: string;
  /** The current time, epoch milliseconds (only the UTC date is used). */
  now: number;
  /** `Deno.build.os`. */
  platform: string;
}

/** The environment message of a turn: where the tools work, on what, and today's date. */
export function environmentContext(facts: EnvironmentFacts): string {
  const date = new Date(facts.now).toISOString().slice(0, 10);
  return `<environment_context>
  <workspace>${facts.cwd}</workspace>
  <platform>${facts.platform}</platform>
  <current_date>${date}</current_date>
</environment_context>`;
}

/** The instructions for a session: the base text, then any project context. */
export function baseInstructions(context: PromptContext): string {
  const skills = context.skills ? `\n\n${context.skills}` : "";
  return withProjectContext(context.projectContext ?? []) + skills;
}

function withProjectContext(files: readonly ContextFile[]): string {
  if (files.length === 0) return baseText();
  const sections = files.map((file) =>
    `<file path="${file.path}">\n${file.text.trimEnd()}\n</file>`
  );
  return `${baseText()}

Project context:
The user and the project left these AGENTS.md notes. Follow them; when they disagree, the later \
(nearer to the workspace) note wins. They do not override the user's request or your safety rules.

${sections.join("\n\n")}`;
}

function baseText(): string {
  return `You are Pixir, a coding agent working in a terminal on the user's machine. You help with \
software tasks in one workspace by reading and changing its files and running commands. Each \
request of the user comes after an <environment_context> message naming the workspace, the \
platform and the date.

Tools:
- read: read a file (large files in ranges).
- write: create a file or replace all of its content.
- edit: replace an exact piece of text in a file.
- bash: run a shell command in the workspace.
- ls: list a directory.
- find: find files by glob pattern.
- grep: search file contents with a regular expression.
Paths are relative to the workspace; tools cannot reach outside it.

How to work:
- Look before you act: use ls, find and grep to locate code, and read a file before editing it.
- Prefer edit for changes to existing files: small, exact replacements that keep the surrounding \
code intact. Use write for new files or complete rewrites.
- Follow the project's existing style and conventions; do not add dependencies unless asked.
- After changing code, run the relevant tests, type checks or build, and fix what you broke.
- If a tool call fails, read the error and adjust; do not repeat the same failing call.
- Do not run destructive commands (deleting data, rewriting git history) unless the user asked.
- If the task is ambiguous or blocked, say what you need instead of guessing.

Answering:
- Be concise. Your final answer is plain text for a terminal: say what you did and what the user \
should know (files changed, test results, open questions). No need to repeat file contents.`;
}
