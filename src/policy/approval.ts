/**
 * Shell command approval: decides whether a bash command runs, from the policy, the safe list,
 * the rules the user saved ("always") and, when someone can answer, a question. Every decision
 * says where it came from, so it can be logged and explained to the model.
 */

import { type CommandLine, parseCommandLine, type SimpleCommand } from "./command_line.ts";
import type { Policy } from "./policy.ts";
import { SAFE_PROGRAMS, unsafeReason } from "./safe_list.ts";

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
  | { allow: true; source: DecisionSource; scope?: "once" | "always"; rules?: string[] }
  | { allow: false; source: DecisionSource; reason: string; userReason?: string };

/** The question put to a person: the command and the parts no rule covers. */
export interface ApprovalRequest {
  command: string;
  /** Prefixes an "always" answer would save, one per command not yet approved. */
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
  /** Saved "always" prefixes for this workspace, such as `git commit` or `npm test`. */
  rules: readonly string[];
  ask?: Ask;
  /** Saves the prefixes of an "always" answer. */
  remember?: (prefixes: readonly string[]) => Promise<void>;
}

/** Decides whether `command` may run. */
export async function decide(
  command: string,
  ctx: ApprovalContext,
  signal: AbortSignal,
): Promise<Decision> {
  const line = parseCommandLine(command);
  if (ctx.policy.readOnly) {
    return isSafe(line) ? { allow: true, source: "safe_list" } : {
      allow: false,
      source: "read_only",
      reason: "Pixir runs read-only: only read-only commands from the safe list run " +
        `(${SAFE_PROGRAMS.join(", ")}), without redirection, substitution or backgrounding.`,
    };
  }
  if (ctx.policy.run === "all") return { allow: true, source: "all" };
  const pending = line.hazards.length > 0 ? line.commands : unapproved(line.commands, ctx);
  if (line.hazards.length === 0 && pending.length === 0) return approvedBy(line, ctx);

  // A bare redirection (`> file`) has no program, hence no prefix to show or save.
  const prefixes = [...new Set(pending.map(prefixOf).filter((prefix) => prefix !== ""))];
  if (ctx.ask === undefined) {
    return {
      allow: false,
      source: "non_interactive",
      reason: `The command needs approval and nobody can give it (no terminal), so it was not ` +
        `run. Not pre-approved: ${prefixes.join(", ")}${hazardNote(line)}. Commands that run ` +
        `without approval: ${SAFE_PROGRAMS.join(", ")} (no redirection, substitution or ` +
        `backgrounding). The user can allow programs with --allow-run=NAME,….`,
    };
  }
  const answer = await ctx.ask({ command, prefixes }, signal);
  switch (answer.kind) {
    case "once":
      return { allow: true, source: "user", scope: "once" };
    case "always":
      // Lines with hazards, or without a program, are approved once only: no prefix rule
      // could describe them.
      if (line.hazards.length > 0 || prefixes.length === 0) {
        return { allow: true, source: "user", scope: "once" };
      }
      await ctx.remember?.(prefixes);
      return { allow: true, source: "user", scope: "always", rules: prefixes };
    case "deny":
      return {
        allow: false,
        source: "user",
        reason: "The user declined to run this command.",
        ...(answer.reason ? { userReason: answer.reason } : {}),
      };
  }
}

/** True when every command of the line is on the safe list and nothing hazardous is present. */
export function isSafe(line: CommandLine): boolean {
  return line.hazards.length === 0 && line.commands.every((c) => unsafeReason(c) === null);
}

/** The commands of the line that neither the safe list, --allow-run nor a saved rule allows. */
function unapproved(commands: readonly SimpleCommand[], ctx: ApprovalContext): SimpleCommand[] {
  return commands.filter((c) =>
    unsafeReason(c) !== null && !allowedByFlag(c, ctx.policy) && matchingRule(c, ctx) === undefined
  );
}

/** Which of flag, rule or safe list approved an all-approved line (the strongest grant wins). */
function approvedBy(line: CommandLine, ctx: ApprovalContext): Decision {
  const rules = line.commands.map((c) => matchingRule(c, ctx)).filter((r) => r !== undefined);
  if (rules.length > 0) return { allow: true, source: "rule", rules: [...new Set(rules)] };
  if (line.commands.some((c) => allowedByFlag(c, ctx.policy))) {
    return { allow: true, source: "allow_run" };
  }
  return { allow: true, source: "safe_list" };
}

/** `--allow-run=NAME`: the program word is exactly NAME (no assignments before it). */
function allowedByFlag(command: SimpleCommand, policy: Policy): boolean {
  const program = command.words[0];
  if (program === undefined || program.pattern || program.text.includes("=")) return false;
  return policy.run === "all" || policy.run.includes(program.text);
}

/** The saved rule whose words start this command, if any. */
function matchingRule(command: SimpleCommand, ctx: ApprovalContext): string | undefined {
  if (command.words[0]?.pattern !== false) return undefined;
  const words = command.words.map((w) => w.text);
  return ctx.rules.find((rule) => {
    const ruleWords = rule.split(" ").filter((w) => w !== "");
    return ruleWords.length > 0 && ruleWords.every((w, i) => words[i] === w);
  });
}

/**
 * The prefix an "always" answer saves: the program, plus its subcommand when the second word is
 * one (`git commit`, `npm test`), never an option or a path.
 */
export function prefixOf(command: SimpleCommand): string {
  const [program, second] = command.words.map((w) => w.text);
  if (program === undefined) return "";
  return second !== undefined && /^[a-z][a-z0-9:_-]*$/.test(second)
    ? `${program} ${second}`
    : program;
}

function hazardNote(line: CommandLine): string {
  return line.hazards.length > 0 ? ` (it uses ${line.hazards.join(", ")})` : "";
}
