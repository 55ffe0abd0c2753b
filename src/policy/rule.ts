/**
 * Saved "always" rules: each is the whole argv (and redirections) of one simple command a person
 * approved, written as a one-command shell line (`rm -rf build`, `echo done > build/out.log`).
 * A rule covers a command whose words start with the rule's words, compared word by word after
 * quote removal (never as a string prefix), and whose redirections are exactly the rule's.
 */

import {
  formatCommand,
  isPlain,
  parseCommandLine,
  type Redirect,
  type SimpleCommand,
} from "./command_line.ts";

/** A rule read back from its saved text. */
export interface Rule {
  /** The text as saved and shown. */
  text: string;
  /** The words a covered command starts with. */
  words: string[];
  /** The redirections a covered command has, exactly: `op target` each. */
  redirects: string[];
}

/**
 * The rule an "always" answer saves for `command`: its whole argv and redirections, or null when
 * a word is not plain (a glob, brace or tilde), since no rule could say what it will become.
 */
export function ruleFor(command: SimpleCommand): string | null {
  if (command.words.length === 0 || !isPlain(command)) return null;
  return formatCommand(command);
}

/**
 * Reads a saved rule; null when the text is not one plain simple command (it then covers
 * nothing). Rules saved by older versions (`git commit`, `npm`) read as the same word prefixes.
 */
export function parseRule(text: string): Rule | null {
  const line = parseCommandLine(text);
  if (line.hazards.length > 0 || line.commands.length !== 1) return null;
  const [command] = line.commands;
  if (command.words.length === 0 || !isPlain(command)) return null;
  return { text, words: command.words.map((w) => w.text), redirects: redirectTexts(command) };
}

/** True when `rule` covers `command`: the same leading words, exactly its redirections. */
export function covers(rule: Rule, command: SimpleCommand): boolean {
  if (command.words.length < rule.words.length) return false;
  const sameWords = rule.words.every((word, i) =>
    command.words[i].plain && command.words[i].text === word
  );
  if (!sameWords) return false;
  if (!command.redirects.every((r) => r.target?.plain === true)) return false;
  const redirects = redirectTexts(command);
  return redirects.length === rule.redirects.length &&
    redirects.every((r, i) => r === rule.redirects[i]);
}

/** True when two rule texts say the same thing (`rm  'x'` and `rm x`). */
export function sameRule(a: string, b: string): boolean {
  const [ra, rb] = [parseRule(a), parseRule(b)];
  if (ra === null || rb === null) return a === b;
  return ra.words.join("\0") === rb.words.join("\0") &&
    ra.redirects.join("\0") === rb.redirects.join("\0");
}

/**
 * True when a redirection only duplicates or closes a file descriptor (`2>&1`, `>&2`, `3<&-`):
 * it opens no file.
 */
export function duplicatesDescriptor(redirect: Redirect): boolean {
  return /&$/.test(redirect.op) && !redirect.op.startsWith("&") &&
    redirect.target !== null && redirect.target.plain &&
    /^([0-9]+-?|-)$/.test(redirect.target.text);
}

function redirectTexts(command: SimpleCommand): string[] {
  return command.redirects.map((r) => `${r.op} ${r.target?.text ?? ""}`);
}
