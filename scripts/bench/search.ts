// deno-lint-ignore-file no-console
/**
 * Benchmark of the grep and find tools against ripgrep (`rg -j1`, one thread, as the tools use
 * one) and GNU find, side by side in one invocation on a tree of about 10,000 files built from
 * what the machine has (a copy of /usr/include and a Python standard library), page cache warm.
 * The tools run as in production, timed from the host: in the permission-scoped file-tool Worker,
 * and where bubblewrap works also in the bubblewrap child (where Pixir runs them on such a machine).
 * Reports medians and ratios (goals: grep ≤ 3× rg -j1, find ≤ 3× find), and checks that the
 * results are identical: the same lines for a literal pattern, the same files as `rg --files`.
 * Usage: scripts/deno run -P=test scripts/bench/search.ts [--runs N] [--tree DIR]
 */

import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { FileToolWorker, startDenoWorker } from "../../src/tools/file_worker.ts";
import { currentRuntime, sandboxedStarter } from "../../src/app/file_tools_child.ts";
import { probeSandbox, runProgram } from "../../src/sandbox/os_sandbox.ts";
import type { ToolResult } from "../../src/tools/tool.ts";
import { walkTree } from "../../src/tools/walk.ts";
import { median, ratio, round } from "./stats.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const REGEX = "struct\\s+sockaddr_in6";
const LITERAL = "sockaddr_in6";
const FIND_GLOB = "**/*socket*.h";
const FIND_NAME = "*socket*.h";
/** The grep tool skips files over 4 MB; ripgrep is given the same cap for the comparison. */
const MAX_FILESIZE = "4M";

const { values } = parseArgs({
  args: Deno.args,
  options: { runs: { type: "string" }, tree: { type: "string" } },
});
const runs = Number(values.runs ?? 11);

/** Sources of the tree: the C headers and the newest Python standard library found. */
async function sources(): Promise<string[]> {
  const found: string[] = [];
  if (await isDirectory("/usr/include")) found.push("/usr/include");
  const pythons: string[] = [];
  for (const lib of ["/usr/lib", "/usr/local/lib"]) {
    try {
      for await (const entry of Deno.readDir(lib)) {
        const dir = join(lib, entry.name);
        // The standard library, not a folder of site-packages only.
        if (/^python3\.\d+$/.test(entry.name) && await isFile(join(dir, "os.py"))) {
          pythons.push(dir);
        }
      }
    } catch { /* not there */ }
  }
  pythons.sort((a, b) => a.localeCompare(b, "en", { numeric: true }));
  if (pythons.length > 0) found.push(pythons[pythons.length - 1]);
  return found;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isDirectory;
  } catch {
    return false;
  }
}

/** Copies the sources into `.bench/search-tree` once (reused while the sources stay the same). */
async function buildTree(): Promise<{ root: string; used: string[] }> {
  if (values.tree !== undefined) return { root: values.tree, used: [values.tree] };
  const used = await sources();
  if (used.length === 0) throw new Error("neither /usr/include nor a Python library was found");
  const root = join(REPO, ".bench", "search-tree");
  const stamp = join(REPO, ".bench", "search-tree.sources");
  const previous = await Deno.readTextFile(stamp).catch(() => "");
  if (previous !== used.join("\n")) {
    await Deno.remove(root, { recursive: true }).catch(() => {});
    await Deno.mkdir(root, { recursive: true });
    for (const source of used) {
      const copy = await new Deno.Command("cp", {
        args: ["-r", "--no-dereference", source, join(root, basename(source))],
      }).output();
      if (!copy.success) throw new Error(`copying ${source} failed`);
    }
    await Deno.writeTextFile(stamp, used.join("\n"));
  }
  return { root, used };
}

/** Runs a program, returning its stdout and the wall time. */
async function run(program: string, args: string[], cwd: string): Promise<[string, number]> {
  const start = performance.now();
  const out = await new Deno.Command(program, { args, cwd, stdout: "piped", stderr: "null" })
    .output();
  const ms = performance.now() - start;
  return [new TextDecoder().decode(out.stdout), ms];
}

async function have(program: string): Promise<boolean> {
  try {
    return (await new Deno.Command(program, { args: ["--version"], stdout: "null", stderr: "null" })
      .output()).success;
  } catch {
    return false;
  }
}

const { root, used } = await buildTree();
const counted = await run("find", [".", "-type", "f"], root);
const files = counted[0].split("\n").filter(Boolean).length;
const du = (await run("du", ["-sm", "."], root))[0].split("\t")[0];
console.log(`Search benchmark: ${files} files, ${du} MB in ${root}`);
console.log(
  `  copied from: ${used.join(", ")}; ${runs} runs each after a warm-up, page cache warm`,
);

const rg = await have("rg");
if (!rg) {
  console.log("  rg (ripgrep) is not installed: no grep comparison (apt-get install ripgrep)");
}

const access = { read: [root], write: [], hidden: [] };
const worker = new FileToolWorker({ workspace: root, access });
const sandbox = await probeSandbox(Deno.build.os, runProgram, root);
/** The bubblewrap child, where bubblewrap works here. */
const child = sandbox.active && sandbox.kind === "bubblewrap"
  ? new FileToolWorker({
    workspace: root,
    access,
    start: sandboxedStarter(
      {
        sandbox: () => Promise.resolve(sandbox),
        workspace: root,
        access,
        runtime: currentRuntime(),
      },
      startDenoWorker,
    ),
  })
  : null;
const signal = new AbortController().signal;
async function tool(
  name: string,
  args: Record<string, unknown>,
  host: FileToolWorker = worker,
): Promise<[ToolResult, number]> {
  const start = performance.now();
  const result = await host.call(name, JSON.stringify(args), signal);
  return [result, performance.now() - start];
}
function output(result: ToolResult): string {
  if (!result.ok) throw new Error(`${result.error.kind}: ${result.error.message}`);
  return result.output;
}

// Identical results first.
const problems: string[] = [];
const sorted = (lines: Iterable<string>) => [...new Set(lines)].sort();
const same = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);
if (rg) {
  const [mine] = await tool("grep", { pattern: LITERAL, literal: true, max_results: 1_000_000 });
  const ours = sorted(
    output(mine).split("\n").filter((l) => !l.startsWith("[")).map((line) => {
      const [, path, number, text] = line.match(/^(.*?):(\d+): (.*)$/) ?? [];
      return `${path}:${number}:${text}`;
    }),
  );
  const [theirs] = await run("rg", [
    "-j1",
    "-n",
    "--no-heading",
    "--color=never",
    "--max-filesize",
    MAX_FILESIZE,
    "-F",
    LITERAL,
  ], root);
  // Both shorten nothing here: the tree's matching lines are short.
  const reference = sorted(theirs.split("\n").filter(Boolean).map((l) => l.replace(/\r$/, "")));
  if (!same(ours, reference)) {
    problems.push(`grep ${LITERAL}: ${ours.length} lines, rg -F: ${reference.length} lines`);
  }
  console.log(
    `  grep -F ${LITERAL}: ${ours.length} lines, rg: ${reference.length} — ${
      same(ours, reference) ? "identical" : "DIFFERENT"
    }`,
  );
  // The whole file set, walked by the same code the tools use (find shows 1000 paths at most),
  // and find's own answer for one glob.
  const rgFiles = sorted((await run("rg", ["--files"], root))[0].split("\n").filter(Boolean));
  const walked: string[] = [];
  await walkTree(root, { maxEntries: 1_000_000, signal }, (entry) => {
    if (entry.kind === "file") walked.push(entry.relative);
  });
  const setSame = same(sorted(walked), rgFiles);
  if (!setSame) problems.push("the walk's files differ from rg --files");
  console.log(
    `  files walked vs rg --files: ${walked.length} / ${rgFiles.length} — ${
      setSame ? "identical" : "DIFFERENT"
    }`,
  );
  const [python] = await tool("find", { pattern: "**/*.py" });
  // rg --files lists regular files only; find also lists symlinks (as GNU find does).
  const ourPython = sorted(
    output(python).split("\n").filter((path) => Deno.lstatSync(join(root, path)).isFile),
  );
  const rgPython = rgFiles.filter((path) => path.endsWith(".py"));
  const pythonSame = same(ourPython, rgPython);
  if (!pythonSame) problems.push("find **/*.py differs from rg --files");
  console.log(
    `  find **/*.py vs rg --files: ${ourPython.length} / ${rgPython.length} — ${
      pythonSame ? "identical" : "DIFFERENT"
    }`,
  );
}
{
  const [mine] = await tool("find", { pattern: FIND_GLOB });
  const ours = sorted(output(mine).split("\n"));
  const [theirs] = await run("find", [".", "-name", FIND_NAME], root);
  const reference = sorted(theirs.split("\n").filter(Boolean).map((p) => p.replace(/^\.\//, "")));
  if (!same(ours, reference)) problems.push(`find ${FIND_GLOB} differs from find -name`);
  console.log(
    `  find ${FIND_GLOB}: ${ours.length} paths, GNU find: ${reference.length} — ${
      same(ours, reference) ? "identical" : "DIFFERENT"
    }`,
  );
}

// Then the clock, interleaved so both sides see the same machine load.
const times: Record<string, number[]> = {
  grep: [],
  rg: [],
  find: [],
  gnufind: [],
  childGrep: [],
  childFind: [],
};
for (let i = 0; i <= runs; i++) {
  const sample: Record<string, number> = {};
  sample.grep = (await tool("grep", { pattern: REGEX, max_results: 1000 }))[1];
  if (child) {
    sample.childGrep = (await tool("grep", { pattern: REGEX, max_results: 1000 }, child))[1];
    sample.childFind = (await tool("find", { pattern: FIND_GLOB }, child))[1];
  }
  if (rg) {
    sample.rg = (await run("rg", ["-j1", "-n", "--max-filesize", MAX_FILESIZE, REGEX], root))[1];
  }
  sample.find = (await tool("find", { pattern: FIND_GLOB }))[1];
  sample.gnufind = (await run("find", [".", "-name", FIND_NAME], root))[1];
  if (i === 0) continue; // warm-up
  for (const [key, ms] of Object.entries(sample)) times[key].push(ms);
}
worker.close();
child?.close();

/** A line of the report: the tool's median, and its ratio to the reference's when there is one. */
function report(what: string, ms: number, reference: number | null): void {
  if (reference === null) {
    console.log(`  ${what.padEnd(44)} median ${round(ms)} ms`);
    return;
  }
  const r = ratio(ms, reference);
  console.log(
    `  ${what.padEnd(44)} median ${round(ms)} ms   ratio ${r}× (goal ≤ 3)   ${
      r <= 3 ? "ok" : "OVER"
    }`,
  );
}
const rgMs = rg ? median(times.rg) : null;
const gnuMs = median(times.gnufind);
if (rgMs !== null) report("rg -j1", rgMs, null);
report(`grep tool ${JSON.stringify(REGEX)} (Worker)`, median(times.grep), rgMs);
if (child) report("  the same in the bubblewrap child", median(times.childGrep), rgMs);
report(`GNU find -name ${JSON.stringify(FIND_NAME)}`, gnuMs, null);
report(`find tool ${JSON.stringify(FIND_GLOB)} (Worker)`, median(times.find), gnuMs);
if (child) report("  the same in the bubblewrap child", median(times.childFind), gnuMs);
if (!child) console.log("  (bubblewrap does not work here: the tools ran in the Worker only)");
if (problems.length > 0) {
  console.log(`  RESULTS DIFFER: ${problems.join("; ")}`);
  Deno.exitCode = 1;
}
