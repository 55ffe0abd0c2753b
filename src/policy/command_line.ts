/**
 * A small shell lexer for approving commands: splits a bash command line into simple commands
 * (words and redirections) joined by pipes and control operators, honouring quotes and escapes.
 * Anything whose effect cannot be known without running the shell (substitution, parameter
 * expansion, subshells, backgrounding, here-documents) is reported as a hazard, so the approval
 * never has to guess.
 */

/** A word as the shell will see it after quote removal. */
export interface Word {
  text: string;
  /** True when the word has unquoted glob characters or a leading `~`: the shell may rewrite it. */
  pattern: boolean;
}

/** One program invocation: its words (program first) and whether it redirects input or output. */
export interface SimpleCommand {
  words: Word[];
  redirects: boolean;
}

/** What makes a command line impossible to judge without running it. */
export type Hazard =
  | "substitution"
  | "expansion"
  | "subshell"
  | "background"
  | "heredoc"
  | "comment"
  | "unterminated";

/** A parsed command line: its simple commands, how they are joined, and any hazard found. */
export interface CommandLine {
  commands: SimpleCommand[];
  /** Operators between commands: `|`, `&&`, `||`, `;` (a newline counts as `;`). */
  connectors: string[];
  hazards: Hazard[];
}

const GLOB = new Set(["*", "?", "[", "{"]);
const BLANK = new Set([" ", "\t"]);

/** Parses `source` as bash would split it, without expanding anything. */
export function parseCommandLine(source: string): CommandLine {
  const line: CommandLine = { commands: [], connectors: [], hazards: [] };
  const hazard = (h: Hazard) => {
    if (!line.hazards.includes(h)) line.hazards.push(h);
  };
  let current: SimpleCommand = { words: [], redirects: false };
  // Declared through a cast: the helpers below reassign it, which flow analysis cannot see.
  let word = null as Word | null;
  // A redirection's target is a word the command does not see.
  let targetNext = false;

  const endWord = () => {
    if (word === null) return;
    if (targetNext) targetNext = false;
    else current.words.push(word);
    word = null;
  };
  const endCommand = (connector: string | null) => {
    endWord();
    // A redirection without its target is a syntax error; never let it swallow the next word.
    targetNext = false;
    if (current.words.length > 0 || current.redirects) line.commands.push(current);
    current = { words: [], redirects: false };
    if (connector !== null) line.connectors.push(connector);
  };
  const append = (text: string, pattern = false) => {
    word ??= { text: "", pattern: false };
    word.text += text;
    if (pattern) word.pattern = true;
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
      append(c);
      i++;
    } else if (c === "`") {
      hazard("substitution");
      append(c);
      i++;
    } else if (c === "#" && word === null) {
      hazard("comment");
      break;
    } else if (c === "\n" || c === ";") {
      endCommand(";");
      i += c === ";" && next === ";" ? 2 : 1;
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
        redirect(2);
      } else {
        hazard("background");
        endCommand(";");
        i++;
      }
    } else if (c === "(" || c === ")" || c === "{" && word === null && isBlank(next)) {
      hazard("subshell");
      endWord();
      i++;
    } else if (c === "<" || c === ">") {
      if (c === "<" && next === "<") hazard("heredoc");
      if (c === "<" && next === "(" || c === ">" && next === "(") hazard("substitution");
      // A file descriptor number written just before the operator belongs to it (`2>`).
      if (word !== null && /^[0-9]+$/.test(word.text) && !word.pattern) word = null;
      redirect(1);
    } else {
      append(c, GLOB.has(c) || c === "~" && word === null);
      i++;
    }
  }
  endCommand(null);
  return line;

  /** Consumes a redirection operator starting `skip` characters in, and marks its target. */
  function redirect(skip: number): void {
    endWord();
    current.redirects = true;
    i += skip;
    while (i < source.length && "<>&|".includes(source[i])) i++;
    targetNext = true;
  }
}

/** Reads a double-quoted string from `start` (after the quote); returns the index past its end. */
function readDoubleQuoted(
  source: string,
  start: number,
  append: (text: string) => void,
  hazard: (h: Hazard) => void,
): number {
  let i = start;
  let text = "";
  while (i < source.length) {
    const c = source[i];
    if (c === '"') {
      append(text);
      return i + 1;
    }
    if (c === "\\" && i + 1 < source.length && '"\\$`\n'.includes(source[i + 1])) {
      if (source[i + 1] !== "\n") text += source[i + 1];
      i += 2;
      continue;
    }
    if (c === "$") hazard(source[i + 1] === "(" ? "substitution" : "expansion");
    if (c === "`") hazard("substitution");
    text += c;
    i++;
  }
  append(text);
  hazard("unterminated");
  return i;
}

function isBlank(c: string | undefined): boolean {
  return c === undefined || BLANK.has(c) || c === "\n";
}
