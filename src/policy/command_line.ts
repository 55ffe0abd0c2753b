/**
 * A small shell lexer for approving commands: splits a bash command line into simple commands
 * (words and redirections) joined by pipes and control operators, honouring quotes and escapes.
 * It never expands anything. Instead it marks each word that bash would still rewrite (a word is
 * `plain` only when its text after quote removal is exactly what the program receives), and
 * reports as a hazard whatever runs code or cannot be known without running the shell
 * (substitution, parameter expansion, subshells, backgrounding, here-documents, comments).
 */

/** A word as the shell will see it after quote removal. */
export interface Word {
  text: string;
  /**
   * True when bash passes `text` to the program unchanged: no unquoted brace, glob or history
   * character (`{ } * ? [ ] !`), no unquoted `~` that starts the word or follows `=` or `:`,
   * and no `$` or backtick anywhere, quoted or not.
   */
  plain: boolean;
}

/** A redirection: its operator as written (`>`, `2>>`, `&>`, `<`, `2>&`…) and its target. */
export interface Redirect {
  op: string;
  /** The file (or file descriptor) it names; null when the line ends before it. */
  target: Word | null;
}

/** One program invocation: its words (program first) and its redirections. */
export interface SimpleCommand {
  words: Word[];
  redirects: Redirect[];
}

/** What makes a command line impossible to judge without running it. */
export type Hazard =
  | "substitution"
  | "expansion"
  | "subshell"
  | "background"
  | "heredoc"
  | "comment"
  | "unterminated"
  | "control_character";

/** A parsed command line: its simple commands, how they are joined, and any hazard found. */
export interface CommandLine {
  commands: SimpleCommand[];
  /** Operators between commands: `|`, `&&`, `||`, `;` (a newline counts as `;`). */
  connectors: string[];
  hazards: Hazard[];
}

/**
 * Characters bash may rewrite when unquoted: brace expansion (`{ }`), pathname expansion
 * (`* ? [ ]`) and history expansion or pipeline negation (`!`); `~` is judged by its place.
 */
const REWRITTEN = new Set(["{", "}", "*", "?", "[", "]", "!"]);
const BLANK = new Set([" ", "\t"]);

/** Parses `source` as bash would split it, without expanding anything. */
export function parseCommandLine(source: string): CommandLine {
  const line: CommandLine = { commands: [], connectors: [], hazards: [] };
  const hazard = (h: Hazard) => {
    if (!line.hazards.includes(h)) line.hazards.push(h);
  };
  // NUL cannot cross into bash's argv (the line would be cut there) and other control characters
  // hide text on a terminal: a line holding them is never judged harmless.
  if (hasControlCharacter(source)) hazard("control_character");
  let current: SimpleCommand = { words: [], redirects: [] };
  // Declared through a cast: the helpers below reassign it, which flow analysis cannot see.
  let word = null as Word | null;
  // The redirection waiting for its target word.
  let pending = null as Redirect | null;

  const endWord = () => {
    if (word === null) return;
    if (pending !== null) {
      pending.target = word;
      pending = null;
    } else current.words.push(word);
    word = null;
  };
  const endCommand = (connector: string | null) => {
    endWord();
    // A redirection without its target is a syntax error; never let it swallow the next word.
    pending = null;
    if (current.words.length > 0 || current.redirects.length > 0) line.commands.push(current);
    current = { words: [], redirects: [] };
    if (connector !== null) line.connectors.push(connector);
  };
  const append = (text: string, plain = true) => {
    word ??= { text: "", plain: true };
    word.text += text;
    if (!plain) word.plain = false;
  };

  let i = 0;
  while (i < source.length) {
    const c = source[i];
    const next = source[i + 1];
    if (BLANK.has(c)) {
      endWord();
      i++;
    } else if (c === "\\") {
      // A backslash-newline joins lines; any other escaped character is literal.
      if (next === "\n") i += 2;
      else if (next === undefined) {
        append("\\");
        i++;
      } else {
        append(next);
        i += 2;
      }
    } else if (c === "'") {
      const end = source.indexOf("'", i + 1);
      if (end < 0) {
        hazard("unterminated");
        break;
      }
      append(source.slice(i + 1, end));
      i = end + 1;
    } else if (c === '"') {
      i = readDoubleQuoted(source, i + 1, append, hazard);
    } else if (c === "$") {
      hazard(next === "(" ? "substitution" : "expansion");
      append(c, false);
      i++;
    } else if (c === "`") {
      hazard("substitution");
      append(c, false);
      i++;
    } else if (c === "#" && word === null) {
      hazard("comment");
      break;
    } else if (c === "\n" || c === ";") {
      endCommand(";");
      i += c === ";" && (next === ";" || next === "&") ? 2 : 1;
    } else if (c === "&" && next === "&") {
      endCommand("&&");
      i += 2;
    } else if (c === "|") {
      // `|&` also pipes stderr: still a pipe, nothing written to a file.
      const op = next === "|" ? "||" : next === "&" ? "|&" : "|";
      endCommand(op === "||" ? "||" : "|");
      i += op.length;
    } else if (c === "&") {
      // `&>` redirects; a lone `&` sends the command to the background.
      if (next === ">") {
        redirect("");
      } else {
        hazard("background");
        endCommand(";");
        i++;
      }
    } else if (c === "(" || c === ")") {
      hazard("subshell");
      endWord();
      i++;
    } else if (c === "<" || c === ">") {
      if (c === "<" && next === "<" && source[i + 2] !== "<") hazard("heredoc");
      if (next === "(") hazard("substitution");
      // A file descriptor number written just before the operator belongs to it (`2>`).
      let fd = "";
      if (word !== null && /^[0-9]+$/.test(word.text) && word.plain && !quotedDigits(source, i)) {
        fd = word.text;
        word = null;
      }
      redirect(fd);
    } else if (c === "~") {
      // Tilde expansion happens at the start of a word and after `=` or `:` (in words that look
      // like assignments); elsewhere (`HEAD~1`) the tilde is text.
      append(c, word !== null && !/[=:]/.test(word.text));
      i++;
    } else {
      append(c, !REWRITTEN.has(c));
      i++;
    }
  }
  endCommand(null);
  return line;

  /** Consumes a redirection operator at `i`, written after `fd`, and waits for its target. */
  function redirect(fd: string): void {
    endWord();
    let op = fd;
    while (i < source.length && "<>&|".includes(source[i])) {
      op += source[i];
      i++;
    }
    pending = { op, target: null };
    current.redirects.push(pending);
  }
}

/** True when `source` holds a C0 control character other than tab and newline, or DEL. */
function hasControlCharacter(source: string): boolean {
  for (let i = 0; i < source.length; i++) {
    const code = source.charCodeAt(i);
    if ((code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f) return true;
  }
  return false;
}

/** True when the digits ending just before `end` were quoted (`"2">x` names a file "2"). */
function quotedDigits(source: string, end: number): boolean {
  let i = end - 1;
  while (i >= 0 && /[0-9]/.test(source[i])) i--;
  return i >= 0 && !BLANK.has(source[i]) && !"\n;&|()<>".includes(source[i]);
}

/** Reads a double-quoted string from `start` (after the quote); returns the index past its end. */
function readDoubleQuoted(
  source: string,
  start: number,
  append: (text: string, plain?: boolean) => void,
  hazard: (h: Hazard) => void,
): number {
  let i = start;
  let text = "";
  let plain = true;
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      append(text, plain);
      return i + 1;
    }
    if (c === "\\" && i + 1 < source.length && '"\\$`\n'.includes(source[i + 1])) {
      if (source[i + 1] !== "\n") text += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "$") {
      hazard(source[i + 1] === "(" ? "substitution" : "expansion");
      plain = false;
    }
    if (c === "`") {
      hazard("substitution");
      plain = false;
    }
    text += c;
    i++;
  }
  append(text, plain);
  hazard("unterminated");
  return i;
}

/** True when `command` is a program with its arguments and nothing bash would rewrite. */
export function isPlain(command: SimpleCommand): boolean {
  return command.words.every((w) => w.plain) &&
    command.redirects.every((r) => r.target !== null && r.target.plain);
}

/** A word written so bash reads it back as exactly `text`: bare when plain, else single-quoted. */
export function quoteWord(text: string): string {
  if (text !== "" && /^[A-Za-z0-9_@%+=:,./-]+$/.test(text)) return text;
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** A simple command written back as a line that parses to the same words and redirections. */
export function formatCommand(command: SimpleCommand): string {
  return [
    ...command.words.map((w) => quoteWord(w.text)),
    ...command.redirects.map((r) => `${r.op} ${quoteWord(r.target?.text ?? "")}`),
  ].join(" ");
}
