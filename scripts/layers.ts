/**
 * The layer check: fails when a module of `src/` imports one of a higher layer, when folders of one
 * layer import each other in a circle, or when a command imports another command.
 *
 *   deno run -R scripts/layers.ts        prints every broken rule; exit 0 clean, 1 broken
 *
 * The order, lowest first (a folder imports only from its own layer or lower ones):
 *   util ← provider, auth, tools, policy, sandbox, config, quota, mcp, skills, hooks ← agent ← app, doctor
 *   ← ui ← cli ← main.ts
 */
// deno-lint-ignore-file no-console

import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";

/** Each folder of `src/` (and the files at its root) with its layer; higher imports lower. */
export const LAYERS: Readonly<Record<string, number>> = {
  "version.ts": 0,
  util: 0,
  provider: 1,
  auth: 1,
  tools: 1,
  policy: 1,
  sandbox: 1,
  config: 1,
  quota: 1,
  mcp: 1,
  skills: 1,
  hooks: 1,
  agent: 2,
  app: 3,
  doctor: 3,
  ui: 4,
  cli: 5,
  "main.ts": 6,
};

/** One module of `src/` by its path relative to `src/`, with the `src/` paths it imports. */
export interface ModuleImports {
  path: string;
  imports: readonly string[];
}

/** A broken rule, said so that the reader knows which import to move. */
export type Violation =
  | { kind: "upward"; from: string; to: string }
  | { kind: "unknown-folder"; path: string }
  | { kind: "folder-cycle"; folders: readonly string[]; imports: readonly string[] }
  | { kind: "command-imports-command"; from: string; to: string };

/** The folder (or root file) a `src/`-relative path belongs to. */
export function unitOf(path: string): string {
  const slash = path.indexOf("/");
  return slash === -1 ? path : path.slice(0, slash);
}

/**
 * Every broken rule among `modules`. `commands` are the `src/`-relative paths of the command
 * modules (a command never imports another command; the registry that loads them is not one).
 */
export function findViolations(
  modules: readonly ModuleImports[],
  commands: ReadonlySet<string>,
): Violation[] {
  const violations: Violation[] = [];
  const unknown = new Set<string>();
  const sideways = new Map<string, Map<string, string>>();
  for (const module of modules) {
    const from = unitOf(module.path);
    if (!(from in LAYERS)) {
      unknown.add(from);
      continue;
    }
    for (const target of module.imports) {
      const to = unitOf(target);
      if (!(to in LAYERS)) {
        unknown.add(to);
        continue;
      }
      if (LAYERS[to] > LAYERS[from]) {
        violations.push({ kind: "upward", from: module.path, to: target });
      } else if (to !== from && LAYERS[to] === LAYERS[from]) {
        const edges = sideways.get(from) ?? new Map<string, string>();
        if (!edges.has(to)) edges.set(to, `${module.path} → ${target}`);
        sideways.set(from, edges);
      }
      if (commands.has(module.path) && commands.has(target) && target !== module.path) {
        violations.push({ kind: "command-imports-command", from: module.path, to: target });
      }
    }
  }
  for (const path of [...unknown].sort()) violations.push({ kind: "unknown-folder", path });
  for (const cycle of folderCycles(sideways)) {
    const imports = cycle.flatMap((folder) =>
      cycle.filter((other) => sideways.get(folder)?.has(other)).map((other) =>
        sideways.get(folder)!.get(other)!
      )
    );
    violations.push({ kind: "folder-cycle", folders: cycle, imports });
  }
  return violations;
}

/** The groups of folders that reach each other (strongly connected, more than one folder). */
function folderCycles(edges: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  const nodes = new Set<string>();
  for (const [from, targets] of edges) {
    nodes.add(from);
    for (const to of targets.keys()) nodes.add(to);
  }
  const reach = (start: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [start];
    while (stack.length > 0) {
      const node = stack.pop()!;
      for (const next of edges.get(node)?.keys() ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen;
  };
  const reachable = new Map([...nodes].map((node) => [node, reach(node)]));
  const groups: string[][] = [];
  const placed = new Set<string>();
  for (const node of [...nodes].sort()) {
    if (placed.has(node)) continue;
    const group = [...nodes].filter((other) =>
      other === node || (reachable.get(node)!.has(other) && reachable.get(other)!.has(node))
    ).sort();
    group.forEach((member) => placed.add(member));
    if (group.length > 1) groups.push(group);
  }
  return groups;
}

/** One line per violation, naming the import to move. */
export function describeViolation(violation: Violation): string {
  switch (violation.kind) {
    case "upward":
      return `src/${violation.from} imports src/${violation.to}: ${unitOf(violation.from)}/ is ` +
        `below ${unitOf(violation.to)}/; move what it needs down`;
    case "unknown-folder":
      return `src/${violation.path} has no layer; add it to LAYERS in scripts/layers.ts`;
    case "folder-cycle":
      return `the folders ${violation.folders.join(", ")} import each other in a circle ` +
        `(${violation.imports.map((edge) => `src/${edge.replace(" → ", " → src/")}`).join("; ")})`;
    case "command-imports-command":
      return `command src/${violation.from} imports command src/${violation.to}; ` +
        `move what they share into app/ or ui/`;
  }
}

const IMPORT =
  /(?:^|[;\s])(?:import|export)\s[^'"`;]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;

/** The relative specifiers a module's source text imports (static, re-exports and dynamic). */
export function importSpecifiers(source: string): string[] {
  const specifiers: string[] = [];
  for (const match of source.matchAll(IMPORT)) {
    const specifier = match[1] ?? match[2] ?? match[3];
    if (specifier.startsWith(".")) specifiers.push(specifier);
  }
  return specifiers;
}

const DYNAMIC_IMPORT = /import\s*\(\s*["']([^"']+)["']\s*\)/g;

/** The command modules: the files the command registry loads (its dynamic imports). */
export function commandModules(registrySource: string, registryPath: string): Set<string> {
  return new Set(
    [...registrySource.matchAll(DYNAMIC_IMPORT)].map((match) =>
      normalize(join(dirname(registryPath), match[1]))
    ),
  );
}

/** Every `.ts` module under `srcDir` with its imports, paths relative to `srcDir`. */
export async function readModules(srcDir: string): Promise<ModuleImports[]> {
  const modules: ModuleImports[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (entry.isFile && entry.name.endsWith(".ts")) {
        const rel = relative(srcDir, path);
        const imports = importSpecifiers(await Deno.readTextFile(path))
          .map((specifier) => normalize(join(dirname(rel), specifier)))
          .filter((target) => !target.startsWith(".."));
        modules.push({ path: rel, imports: [...new Set(imports)] });
      }
    }
  };
  await walk(srcDir);
  return modules.sort((a, b) => a.path.localeCompare(b.path));
}

/** Checks `srcDir`; returns the violations found. */
export async function checkLayers(srcDir: string): Promise<Violation[]> {
  const registry = "cli/commands.ts";
  const commands = commandModules(await Deno.readTextFile(join(srcDir, registry)), registry);
  return findViolations(await readModules(srcDir), commands);
}

if (import.meta.main) {
  const src = fileURLToPath(new URL("../src/", import.meta.url));
  const violations = await checkLayers(src);
  for (const violation of violations) console.error(`layers: ${describeViolation(violation)}`);
  if (violations.length > 0) {
    console.error(
      `layers: ${violations.length} broken rule(s); see the order in scripts/layers.ts`,
    );
    Deno.exit(1);
  }
  console.log("layers: every import points down");
}
