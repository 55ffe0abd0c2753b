/**
 * Shell completion scripts for bash, zsh and fish, made from one description of the CLI: its
 * commands, each command's flags (read from its help text, so they never drift), the values some
 * flags take, and the session ids that the script asks Pixir for when it needs them.
 */

/** The hidden command that prints session ids for the scripts: not listed, not meant to be typed. */
export const SESSION_IDS_COMMAND = "__session-ids";

/** A flag as a command's help lists it. */
export interface FlagSpec {
  long: string;
  short?: string;
}

/** What the scripts complete. */
export interface CompletionSpec {
  commands: readonly { name: string; flags: readonly FlagSpec[] }[];
  /** Fixed values of flags, by long name (`--effort` → efforts). */
  values: Readonly<Record<string, readonly string[]>>;
  /** Flags whose value is a folder, and those whose value is a file. */
  folderFlags: readonly string[];
  fileFlags: readonly string[];
  /** Commands whose first argument is a session id, and flags whose value is one. */
  sessionCommands: readonly string[];
  sessionFlags: readonly string[];
  /** The hidden command that prints the session ids, one per line. */
  sessionIdsCommand: string;
}

/** The shells Pixir writes completion for. */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = typeof SHELLS[number];

/** The flags a help text lists: every `-x` / `--name` in the flag column of an indented line. */
export function flagsOfHelp(help: string): FlagSpec[] {
  const flags: FlagSpec[] = [];
  for (const line of help.split("\n")) {
    const match = /^ {2,}(-[A-Za-z], |-{2}[a-z])(.*)$/.exec(line);
    if (!match) continue;
    // The flag column ends where the description starts: at the first run of two spaces.
    const column = (match[1] + match[2]).split(/ {2,}/)[0];
    const short = /^-([A-Za-z]),/.exec(column)?.[1];
    const longs = [...column.matchAll(/--([a-z][\w-]*)/g)].map((m) => m[1]);
    longs.forEach((long, index) => {
      const known = flags.some((flag) => flag.long === long);
      if (!known) flags.push(index === 0 && short ? { long, short } : { long });
    });
  }
  return flags;
}

/** The completion script for `shell`. */
export function completionScript(shell: Shell, spec: CompletionSpec): string {
  switch (shell) {
    case "bash":
      return bashScript(spec);
    case "zsh":
      return zshScript(spec);
    case "fish":
      return fishScript(spec);
  }
}

/** Every spelling of `longs` (`--x` and its short form, in any command). */
function spellings(spec: CompletionSpec, longs: readonly string[]): string[] {
  const out = new Set<string>();
  for (const command of spec.commands) {
    for (const flag of command.flags) {
      if (!longs.includes(flag.long)) continue;
      out.add(`--${flag.long}`);
      if (flag.short) out.add(`-${flag.short}`);
    }
  }
  return [...out];
}

/** The case patterns of a flag's values: `--effort` and its short form. */
function valueCases(spec: CompletionSpec): { pattern: string; values: readonly string[] }[] {
  return Object.entries(spec.values).map(([long, values]) => ({
    pattern: spellings(spec, [long]).join("|") || `--${long}`,
    values,
  }));
}

/** `-m --model …`: every spelling of a command's flags. */
function flagWords(flags: readonly FlagSpec[]): string {
  return flags.flatMap((f) => f.short ? [`-${f.short}`, `--${f.long}`] : [`--${f.long}`]).join(
    " ",
  );
}

/** `case` branches for flags by their long names; a group no command has is left out. */
function caseLines(spec: CompletionSpec, groups: [readonly string[], string][]): string {
  return groups.flatMap(([longs, body]) => {
    const pattern = spellings(spec, longs).join("|");
    return pattern === "" ? [] : [`    ${pattern}) ${body}`];
  }).join("\n");
}

/** The session ids, one word each, from the hidden command of the pixir being completed. */
function zshSessionIds(spec: CompletionSpec): string {
  return `\${(f)"$(\${words[1]} ${spec.sessionIdsCommand} 2>/dev/null)"}`;
}

function bashScript(spec: CompletionSpec): string {
  const commands = spec.commands.map((c) => c.name).join(" ");
  const values = valueCases(spec).map(({ pattern, values }) =>
    `    ${pattern}) COMPREPLY=($(compgen -W "${values.join(" ")}" -- "$cur")); return ;;`
  );
  const flagCases = spec.commands.filter((c) => c.flags.length > 0).map((c) =>
    `    ${c.name}) flags="${flagWords(c.flags)}" ;;`
  );
  return `# bash completion for pixir (pixir completion bash)
_pixir_session_ids() {
  "\${COMP_WORDS[0]}" ${spec.sessionIdsCommand} 2>/dev/null
}

_pixir() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  local cmd="\${COMP_WORDS[1]}" flags=""
  COMPREPLY=()
  if [[ \$COMP_CWORD -eq 1 ]]; then
    COMPREPLY=($(compgen -W "${commands}" -- "$cur"))
    return
  fi
  case "$prev" in
${values.join("\n")}
${
    caseLines(spec, [
      [spec.folderFlags, 'COMPREPLY=($(compgen -d -- "$cur")); return ;;'],
      [spec.fileFlags, 'COMPREPLY=($(compgen -f -- "$cur")); return ;;'],
      [spec.sessionFlags, 'COMPREPLY=($(compgen -W "$(_pixir_session_ids)" -- "$cur")); return ;;'],
    ])
  }
  esac
  if [[ "$cur" == -* ]]; then
    case "$cmd" in
${flagCases.join("\n")}
    esac
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case "$cmd" in
    ${spec.sessionCommands.join("|")})
      COMPREPLY=($(compgen -W "$(_pixir_session_ids)" -- "$cur")) ;;
    help) COMPREPLY=($(compgen -W "${commands}" -- "$cur")) ;;
    completion) COMPREPLY=($(compgen -W "${SHELLS.join(" ")}" -- "$cur")) ;;
  esac
}

complete -F _pixir pixir
`;
}

function zshScript(spec: CompletionSpec): string {
  const commands = spec.commands.map((c) => c.name).join(" ");
  const values = valueCases(spec).map(({ pattern, values }) =>
    `    ${pattern}) compadd -- ${values.join(" ")}; return ;;`
  );
  const flagCases = spec.commands.filter((c) => c.flags.length > 0).map((c) =>
    `      ${c.name}) compadd -- ${flagWords(c.flags)} ;;`
  );
  return `#compdef pixir
# zsh completion for pixir (pixir completion zsh)
_pixir() {
  local cmd=\${words[2]} cur=\${words[CURRENT]} prev=\${words[CURRENT-1]}
  if (( CURRENT == 2 )); then
    compadd -- ${commands}
    return
  fi
  case $prev in
${values.join("\n")}
${
    caseLines(spec, [
      [spec.folderFlags, "_files -/; return ;;"],
      [spec.fileFlags, "_files; return ;;"],
      [spec.sessionFlags, `compadd -- ${zshSessionIds(spec)}; return ;;`],
    ])
  }
  esac
  if [[ $cur == -* ]]; then
    case $cmd in
${flagCases.join("\n")}
    esac
    return
  fi
  case $cmd in
    ${spec.sessionCommands.join("|")})
      compadd -- ${zshSessionIds(spec)} ;;
    help) compadd -- ${commands} ;;
    completion) compadd -- ${SHELLS.join(" ")} ;;
  esac
}

if [[ \${zsh_eval_context[-1]} == loadautofunc ]]; then
  _pixir "$@"
else
  compdef _pixir pixir
fi
`;
}

function fishScript(spec: CompletionSpec): string {
  const commands = spec.commands.map((c) => c.name).join(" ");
  const lines = [
    "# fish completion for pixir (pixir completion fish)",
    "complete -c pixir -f",
    `complete -c pixir -n __fish_use_subcommand -a "${commands}"`,
    `complete -c pixir -n "__fish_seen_subcommand_from help" -a "${commands}"`,
    `complete -c pixir -n "__fish_seen_subcommand_from completion" -a "${SHELLS.join(" ")}"`,
    `complete -c pixir -n "__fish_seen_subcommand_from ${
      spec.sessionCommands.join(" ")
    }" -a "(pixir ${spec.sessionIdsCommand} 2>/dev/null)"`,
  ];
  for (const command of spec.commands) {
    for (const flag of command.flags) {
      const short = flag.short ? ` -s ${flag.short}` : "";
      const fixed = spec.values[flag.long];
      const takes = fixed
        ? ` -x -a "${fixed.join(" ")}"`
        : spec.folderFlags.includes(flag.long)
        ? ` -x -a "(__fish_complete_directories)"`
        : spec.fileFlags.includes(flag.long)
        ? " -r -F"
        : spec.sessionFlags.includes(flag.long)
        ? ` -x -a "(pixir ${spec.sessionIdsCommand} 2>/dev/null)"`
        : "";
      lines.push(
        `complete -c pixir -n "__fish_seen_subcommand_from ${command.name}" -l ${flag.long}${short}${takes}`,
      );
    }
  }
  return lines.join("\n") + "\n";
}
