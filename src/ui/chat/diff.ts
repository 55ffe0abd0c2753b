/**
 * A line-based unified diff of two texts, small enough to show in a tool block: the longest common
 * subsequence of lines decides what is kept, and changes are grouped into hunks with context.
 */

/** One line of a unified diff. */
export type DiffLine =
  | { kind: "hunk"; text: string }
  | { kind: "context"; text: string }
  | { kind: "added"; text: string }
  | { kind: "removed"; text: string };

/** Above this many line pairs the quadratic table is skipped: every old line goes, every new comes. */
const MAX_CELLS = 4_000_000;

type Op = { kind: "context" | "added" | "removed"; text: string; oldLine: number; newLine: number };

/** The unified diff from `before` to `after` with `context` unchanged lines around each change. */
export function unifiedDiff(before: string, after: string, context = 3): DiffLine[] {
  const ops = editScript(splitLines(before), splitLines(after));
  const changed = ops.flatMap((op, index) => op.kind === "context" ? [] : [index]);
  if (changed.length === 0) return [];
  const lines: DiffLine[] = [];
  let start = 0;
  while (start < changed.length) {
    // Extend the hunk while the next change is close enough for the contexts to touch.
    let end = start;
    while (end + 1 < changed.length && changed[end + 1] - changed[end] <= 2 * context + 1) end++;
    const from = Math.max(0, changed[start] - context);
    const to = Math.min(ops.length, changed[end] + context + 1);
    const slice = ops.slice(from, to);
    lines.push({ kind: "hunk", text: hunkHeader(slice) });
    for (const op of slice) lines.push({ kind: op.kind, text: op.text });
    start = end + 1;
  }
  return lines;
}

/** The lines of a text; a final newline does not start another line. */
function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

/** Kept, removed and added lines in order, numbered from 1 in their own file. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  // Common head and tail never need the table.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head && tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  ) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: Op[] = [];
  let oldLine = 1;
  let newLine = 1;
  const push = (kind: Op["kind"], text: string) => {
    ops.push({ kind, text, oldLine, newLine });
    if (kind !== "added") oldLine++;
    if (kind !== "removed") newLine++;
  };
  for (const text of a.slice(0, head)) push("context", text);
  for (const [kind, text] of middle(midA, midB)) push(kind, text);
  for (const text of a.slice(a.length - tail)) push("context", text);
  return ops;
}

/** The edit script of the differing middle, by a longest-common-subsequence table. */
function middle(a: readonly string[], b: readonly string[]): [Op["kind"], string][] {
  if (a.length * b.length > MAX_CELLS) {
    return [
      ...a.map((text): [Op["kind"], string] => ["removed", text]),
      ...b.map((text): [Op["kind"], string] => ["added", text]),
    ];
  }
  const width = b.length + 1;
  // lcs[i * width + j]: length of the LCS of a[i..] and b[j..].
  const lcs = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i * width + j] = a[i] === b[j]
        ? lcs[(i + 1) * width + j + 1] + 1
        : Math.max(lcs[(i + 1) * width + j], lcs[i * width + j + 1]);
    }
  }
  const out: [Op["kind"], string][] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(["context", a[i++]]);
      j++;
    } else if (lcs[(i + 1) * width + j] >= lcs[i * width + j + 1]) {
      out.push(["removed", a[i++]]);
    } else {
      out.push(["added", b[j++]]);
    }
  }
  while (i < a.length) out.push(["removed", a[i++]]);
  while (j < b.length) out.push(["added", b[j++]]);
  return out;
}

/** `@@ -start,count +start,count @@` for the lines of one hunk. */
function hunkHeader(slice: readonly Op[]): string {
  const oldCount = slice.filter((op) => op.kind !== "added").length;
  const newCount = slice.filter((op) => op.kind !== "removed").length;
  const first = slice[0];
  // An empty side starts at the line before, as unified diffs write it.
  const oldStart = oldCount === 0 ? first.oldLine - 1 : first.oldLine;
  const newStart = newCount === 0 ? first.newLine - 1 : first.newLine;
  return `@@ -${oldStart},${oldCount} +${newStart},${newCount} @@`;
}
