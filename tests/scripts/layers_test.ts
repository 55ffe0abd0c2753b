/** The layer check: each rule is caught on a made-up tree, and the real tree passes. */

import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  checkLayers,
  commandModules,
  describeViolation,
  findViolations,
  importSpecifiers,
  type ModuleImports,
} from "../../scripts/layers.ts";

const NO_COMMANDS = new Set<string>();

Deno.test("an import that points down or within a folder is fine", () => {
  const modules: ModuleImports[] = [
    { path: "agent/turn.ts", imports: ["provider/request.ts", "agent/event.ts", "util/json.ts"] },
    { path: "cli/run.ts", imports: ["ui/plain.ts", "app/host.ts", "agent/session.ts"] },
    { path: "main.ts", imports: ["cli/commands.ts", "version.ts"] },
  ];
  assert.deepEqual(findViolations(modules, NO_COMMANDS), []);
});

Deno.test("an import of a higher layer is named with both files", () => {
  const violations = findViolations(
    [
      { path: "config/settings.ts", imports: ["agent/compaction.ts"] },
      { path: "ui/plain.ts", imports: ["cli/io.ts"] },
      { path: "util/json.ts", imports: ["provider/error.ts"] },
    ],
    NO_COMMANDS,
  );
  assert.deepEqual(violations, [
    { kind: "upward", from: "config/settings.ts", to: "agent/compaction.ts" },
    { kind: "upward", from: "ui/plain.ts", to: "cli/io.ts" },
    { kind: "upward", from: "util/json.ts", to: "provider/error.ts" },
  ]);
  assert.equal(
    describeViolation(violations[0]),
    "src/config/settings.ts imports src/agent/compaction.ts: config/ is below agent/; " +
      "move what it needs down",
  );
});

Deno.test("sideways imports pass until they close a circle of folders", () => {
  const line: ModuleImports[] = [
    { path: "provider/responses.ts", imports: ["auth/credential.ts", "quota/snapshot.ts"] },
    { path: "tools/registry.ts", imports: ["provider/request.ts"] },
    { path: "policy/policy.ts", imports: ["tools/tool.ts"] },
  ];
  assert.deepEqual(findViolations(line, NO_COMMANDS), []);
  const circle = [...line, { path: "auth/resolve.ts", imports: ["policy/policy.ts"] }];
  const violations = findViolations(circle, NO_COMMANDS);
  assert.equal(violations.length, 1);
  const [cycle] = violations;
  assert.ok(cycle.kind === "folder-cycle");
  assert.deepEqual(cycle.folders, ["auth", "policy", "provider", "tools"]);
  assert.match(describeViolation(cycle), /src\/auth\/resolve\.ts → src\/policy\/policy\.ts/);
});

Deno.test("a command importing another command is refused; the shared helpers are not commands", () => {
  const commands = new Set(["cli/run.ts", "cli/resume.ts"]);
  const violations = findViolations(
    [
      { path: "cli/resume.ts", imports: ["cli/run.ts", "cli/inputs.ts"] },
      { path: "cli/run.ts", imports: ["cli/inputs.ts"] },
    ],
    commands,
  );
  assert.deepEqual(violations, [
    { kind: "command-imports-command", from: "cli/resume.ts", to: "cli/run.ts" },
  ]);
});

Deno.test("a folder the order does not know is reported, so a new folder gets a place", () => {
  const violations = findViolations(
    [{ path: "plugins/loader.ts", imports: ["util/json.ts"] }],
    NO_COMMANDS,
  );
  assert.deepEqual(violations, [{ kind: "unknown-folder", path: "plugins" }]);
});

Deno.test("static, type-only, re-exported and dynamic imports are all read; packages are not", () => {
  const source = `import { a } from "./a.ts";
import type { B } from "../b/b.ts";
export { c } from "./c.ts";
export type { D } from './d.ts';
import "./side_effect.ts";
import {
  e,
  f,
} from "./ef.ts";
const g = await import("./g.ts");
import { parseArgs } from "node:util";
import jose from "jose";
`;
  assert.deepEqual(importSpecifiers(source), [
    "./a.ts",
    "../b/b.ts",
    "./c.ts",
    "./d.ts",
    "./side_effect.ts",
    "./ef.ts",
    "./g.ts",
  ]);
});

Deno.test("the command modules are the registry's dynamic imports, not its type imports", () => {
  const registry = `import type { Command } from "./command.ts";
export const ENTRIES = [
  { name: "run", load: async () => (await import("./run.ts")).runCommand },
  { name: "acp", load: async () => (await import("./acp.ts")).acpCommand },
];`;
  assert.deepEqual([...commandModules(registry, "cli/commands.ts")], ["cli/run.ts", "cli/acp.ts"]);
});

Deno.test("Pixir's own src/ keeps every layer rule", async () => {
  const src = fileURLToPath(new URL("../../src/", import.meta.url));
  const violations = await checkLayers(src);
  assert.deepEqual(violations.map(describeViolation), []);
});

Deno.test("the check reads a tree from disk and finds an upward import in it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pixir-layers-" });
  try {
    await Deno.mkdir(join(dir, "cli"));
    await Deno.mkdir(join(dir, "util"));
    await Deno.writeTextFile(
      join(dir, "cli/commands.ts"),
      'export const E = [() => import("./run.ts")];\n',
    );
    await Deno.writeTextFile(join(dir, "cli/run.ts"), 'import { x } from "../util/x.ts";\n');
    await Deno.writeTextFile(join(dir, "util/x.ts"), 'import { run } from "../cli/run.ts";\n');
    const violations = await checkLayers(dir);
    assert.deepEqual(violations, [{ kind: "upward", from: "util/x.ts", to: "cli/run.ts" }]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
