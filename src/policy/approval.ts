/**
 * Shell command approval: decides whether a bash command runs, from the policy, the safe list,
 * the rules the user saved ("always") and, when someone can answer, a question. Every decision
 * says where it came from, so it can be logged and explained to the model.
 */

import { type CommandLine, parseCommandLine, type SimpleCommand } from "./command_line.ts";
import type { Policy } from "./policy.ts";
import { covers, duplicatesDescriptor, parseRule, type Rule, ruleFor } from "./rule.ts";
import { SAFE_PROGRAMS, type SafeInvocation, safeInvocation, unsafeReason } from "./safe_list.ts";

/** What allowed or refused a command. */
export type DecisionSource =
  | "all"
  | "allow_run"
  | "allow_mcp"
  | "safe_list"
  | "rule"
  | "user"
  | "read_only"
  | "non_interactive";

/** The outcome for one command. */
export type Decision =
  | {
    allow: true;
    source: DecisionSource;
    scope?: "once" | "always";
    rules?: string[];
    /** Set for a safe-list line: run this argv without a shell instead of the line. */
    invocation?: SafeInvocation;
  }
  | { allow: false; source: DecisionSource; reason: string; userReason?: string };

/** The question put to a person: the command and the rules an "always" answer would save. */
export interface ApprovalRequest {
  command: string;
  /**
   * The rules "always" saves, verbatim: one per simple command no rule covers yet, its whole
   * argv and redirections. Empty when no rule can describe the line (then "always" means once).
   */
  prefixes: string[];
  /** An MCP tool call (`command` is `SERVER/TOOL ARGUMENTS`, the prefix is `SERVER/TOOL`). */
  mcp?: boolean;
}

/** A person's answer. */
export type Answer =
  | { kind: "once" }
  | { kind: "always" }
  | { kind: "deny"; reason?: string };

/** Asks a person; absent when nobody can answer (no terminal). */
export type Ask = (request: ApprovalRequest, signal: AbortSignal) => Promise<Answer>;

/** Everything a decision depends on. */
export interface ApprovalContext {
  policy: Policy;
  /** Saved "always" rules for this workspace, such as `git commit` or `rm -rf build`. */
  rules: readonly string[];
  ask?: Ask;
  /** Saves the rules of an "always" answer. */
  remember?: (rules: readonly string[]) => Promise<void>;
  /**
   * A last look at a safe-list line against the machine's state (git's configuration includes, see
   * `git_includes.ts`): a reason takes the line off the safe list, and it is judged like any other.
   */
  screen?: (invocation: SafeInvocation) => Promise<string | null>;
}

/** Decides whether `command` may run. */
export async function decide(
  command: string,
  ctx: ApprovalContext,
  signal: AbortSignal,
): Promise<Decision> {
  const line = parseCommandLine(command);
  let invocation = safeInvocation(line);
  const screened = invocation === null ? null : (await ctx.screen?.(invocation)) ?? null;
  if (screened !== null) invocation = null;
  const screenNote = screened === null ? "" : ` It is not on the safe list here: ${screened}.`;
  if (ctx.policy.readOnly) {
    return invocation !== null ? { allow: true, source: "safe_list", invocation } : {
      allow: false,
      source: "read_only",
      reason: "Pixir runs read-only: only a single read-only command from the safe list runs " +
        `(${SAFE_PROGRAMS.join(", ")}), every word a plain literal: no pipes or lists, ` +
        `redirection, substitution, variables, globs, braces or ~.${screenNote}`,
    };
  }
  // A safe line runs as its judged argv (git hardened) even where everything is allowed.
  if (invocation !== null) return { allow: true, source: "safe_list", invocation };
  if (ctx.policy.run === "all") return { allow: true, source: "all" };
  const rules = ctx.rules.map(parseRule).filter((rule) => rule !== null);
  const judgeable = line.hazards.length === 0;
  const granted = (c: SimpleCommand) =>
    allowedByFlag(c, ctx.policy) || matchingRule(c, rules) !== null;
  // An empty line runs nothing.
  if (judgeable && line.commands.length === 0) return { allow: true, source: "safe_list" };
  // In a line a flag or rule approved, a safe-list part needs no rule of its own: its words are
  // plain, so the shell runs exactly them (`npm test 2>&1 | tail -n 20`). git is the exception,
  // since only the safe list's own git runs with its config-driven programs off. A line of safe
  // parts alone is asked about: it would run through the shell on nobody's approval.
  const grantedLine = judgeable && line.commands.some(granted);
  const pending = !judgeable
    ? line.commands
    : line.commands.filter((c) =>
      !granted(c) && !(grantedLine && c.words[0]?.text !== "git" && unsafeReason(c) === null)
    );
  if (judgeable && pending.length === 0) return approvedBy(line, rules);

  // Every part not yet covered needs a rule of its own; a part no rule can describe (a glob, a
  // bare redirection) makes "always" mean once, since the line would still not be covered.
  const proposed = judgeable ? pending.map(ruleFor) : [];
  const saved = proposed.every((rule) => rule !== null) ? [...new Set(proposed)] : [];
  if (ctx.ask === undefined) {
    const parts = proposed.map((rule, i) => rule ?? pending[i].words.map((w) => w.text).join(" "));
    return {
      allow: false,
      source: "non_interactive",
      reason: `The command needs approval and nobody can give it (no terminal), so it was not ` +
        `run.${parts.length > 0 ? ` Not pre-approved: ${parts.join("; ")}.` : ""}` +
        `${hazardNote(line)}${screenNote} Commands that run without approval: a single ${
          SAFE_PROGRAMS.join(", ")
        } whose words are plain literals (no pipes or lists, redirection, substitution, ` +
        "variables, globs, braces or ~). The user can allow programs with --allow-run=NAME,….",
    };
  }
  const answer = await ctx.ask({ command, prefixes: saved }, signal);
  switch (answer.kind) {
    case "once":
      return { allow: true, source: "user", scope: "once" };
    case "always":
      if (saved.length === 0) return { allow: true, source: "user", scope: "once" };
      await ctx.remember?.(saved);
      return { allow: true, source: "user", scope: "always", rules: saved };
    case "deny":
      return {
        allow: false,
        source: "user",
        reason: "The user declined to run this command.",
        ...(answer.reason ? { userReason: answer.reason } : {}),
      };
  }
}

/** Which of flag or rule approved an all-approved line (the strongest grant wins). */
function approvedBy(line: CommandLine, rules: readonly Rule[]): Decision {
  const used = line.commands.map((c) => matchingRule(c, rules)).filter((r) => r !== null);
  if (used.length > 0) {
    return { allow: true, source: "rule", rules: [...new Set(used.map((r) => r.text))] };
  }
  return { allow: true, source: "allow_run" };
}

/**
 * `--allow-run=NAME`: the program word is exactly NAME, a plain word (no assignment before it),
 * with any arguments, and no redirection that opens a file (`2>&1` is fine, `> out` is not).
 */
function allowedByFlag(command: SimpleCommand, policy: Policy): boolean {
  const program = command.words[0];
  if (program === undefined || !program.plain || program.text.includes("=")) return false;
  if (!command.redirects.every(duplicatesDescriptor)) return false;
  return policy.run === "all" || policy.run.includes(program.text);
}

/** The saved rule that covers this command, if any. */
function matchingRule(command: SimpleCommand, rules: readonly Rule[]): Rule | null {
  return rules.find((rule) => covers(rule, command)) ?? null;
}

function hazardNote(line: CommandLine): string {
  return line.hazards.length > 0
    ? ` It uses ${line.hazards.join(", ")}, so no rule can cover it.`
    : "";
}
