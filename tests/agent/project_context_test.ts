import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type ContextFs,
  denoContextFs,
  loadProjectContext,
} from "../../src/agent/project_context.ts";
import { tempWorkspace } from "../harness/workspace.ts";

/** A tree with a config folder, a repository `repo/` (with `.git/`) and a workspace deep inside. */
async function tree(files: Record<string, string>) {
  const dir = await tempWorkspace(files);
  await Deno.mkdir(join(dir.path, "config"), { recursive: true });
  await Deno.mkdir(join(dir.path, "repo/.git"), { recursive: true });
  await Deno.mkdir(join(dir.path, "repo/pkg/app"), { recursive: true });
  return dir;
}

Deno.test("context files come from the config folder, then the repository root down to the workspace", async () => {
  await using dir = await tree({
    "AGENTS.md": "above the repository",
    "config/AGENTS.md": "user notes",
    "repo/AGENTS.md": "root notes",
    "repo/pkg/app/AGENTS.md": "app notes",
  });
  const context = await loadProjectContext({
    configDir: join(dir.path, "config"),
    workspace: join(dir.path, "repo/pkg/app"),
    fs: denoContextFs,
  });
  assert.deepEqual(context.files.map((f) => [f.path, f.text]), [
    [join(dir.path, "config/AGENTS.md"), "user notes"],
    [join(dir.path, "repo/AGENTS.md"), "root notes"],
    [join(dir.path, "repo/pkg/app/AGENTS.md"), "app notes"],
  ]);
  assert.deepEqual(context.warnings, []);
});

Deno.test("without a .git above it, only the workspace itself is searched", async () => {
  await using dir = await tempWorkspace({
    "AGENTS.md": "parent notes",
    "ws/AGENTS.md": "workspace notes",
  });
  const context = await loadProjectContext({
    configDir: join(dir.path, "no-config"),
    workspace: join(dir.path, "ws"),
    fs: denoContextFs,
  });
  assert.deepEqual(context.files.map((f) => f.text), ["workspace notes"]);
});

Deno.test("a .git file (a worktree) marks the repository root too", async () => {
  await using dir = await tempWorkspace({
    "AGENTS.md": "outside",
    "wt/.git": "gitdir: elsewhere",
    "wt/AGENTS.md": "worktree notes",
    "wt/sub/AGENTS.md": "sub notes",
  });
  const context = await loadProjectContext({
    configDir: join(dir.path, "none"),
    workspace: join(dir.path, "wt/sub"),
    fs: denoContextFs,
  });
  assert.deepEqual(context.files.map((f) => f.text), ["worktree notes", "sub notes"]);
});

Deno.test("a long file is cut on a character boundary with a note saying how much was kept", async () => {
  await using dir = await tree({ "repo/AGENTS.md": "é".repeat(10) }); // 20 bytes
  const context = await loadProjectContext({
    configDir: join(dir.path, "config"),
    workspace: join(dir.path, "repo"),
    fs: denoContextFs,
    fileCap: 5,
  });
  const [file] = context.files;
  assert.equal(file.truncated, true);
  assert.ok(file.text.startsWith("éé\n\n["), file.text);
  assert.match(file.text, /was cut to 5 of 20 bytes\]$/);
});

Deno.test("the total cap serves the nearest files first and says what was left out", async () => {
  await using dir = await tree({
    "config/AGENTS.md": "u".repeat(10),
    "repo/AGENTS.md": "r".repeat(10),
    "repo/pkg/app/AGENTS.md": "a".repeat(10),
  });
  const context = await loadProjectContext({
    configDir: join(dir.path, "config"),
    workspace: join(dir.path, "repo/pkg/app"),
    fs: denoContextFs,
    fileCap: 10,
    totalCap: 15,
  });
  const [root, app] = context.files;
  assert.equal(context.files.length, 2);
  assert.equal(app.text, "a".repeat(10));
  assert.equal(app.truncated, false);
  assert.ok(root.text.startsWith("rrrrr\n\n["), root.text);
  assert.equal(root.truncated, true);
  assert.equal(context.warnings.length, 1);
  assert.match(context.warnings[0], /config\/AGENTS\.md: left out, the project context is over 15/);
});

Deno.test("a symlink leading out of the repository is skipped with a warning; one inside is read", async () => {
  await using dir = await tree({
    "secret.txt": "do not send",
    "repo/docs/agents.md": "shared notes",
  });
  await Deno.symlink(join(dir.path, "secret.txt"), join(dir.path, "repo/AGENTS.md"));
  await Deno.symlink(join(dir.path, "repo/docs/agents.md"), join(dir.path, "repo/pkg/AGENTS.md"));
  const context = await loadProjectContext({
    configDir: join(dir.path, "config"),
    workspace: join(dir.path, "repo/pkg/app"),
    fs: denoContextFs,
  });
  assert.deepEqual(context.files.map((f) => f.text), ["shared notes"]);
  assert.equal(context.warnings.length, 1);
  assert.match(context.warnings[0], /repo\/AGENTS\.md: skipped, it links outside the repository/);
});

Deno.test("an unreadable file is skipped with a warning and the others are kept", async () => {
  await using dir = await tree({
    "repo/AGENTS.md": "root notes",
    "repo/pkg/app/AGENTS.md": "app notes",
  });
  const locked = join(dir.path, "repo/AGENTS.md");
  const fs: ContextFs = {
    ...denoContextFs,
    readFile: (path) =>
      path === locked
        ? Promise.reject(new Deno.errors.PermissionDenied("permission denied"))
        : denoContextFs.readFile(path),
  };
  const context = await loadProjectContext({
    configDir: join(dir.path, "config"),
    workspace: join(dir.path, "repo/pkg/app"),
    fs,
  });
  assert.deepEqual(context.files.map((f) => f.text), ["app notes"]);
  assert.deepEqual(context.warnings, [`${locked}: skipped, cannot read it (permission denied)`]);
});

Deno.test("a folder named AGENTS.md is not a context file", async () => {
  await using dir = await tree({ "repo/AGENTS.md/inner": "x" });
  const context = await loadProjectContext({
    configDir: join(dir.path, "config"),
    workspace: join(dir.path, "repo"),
    fs: denoContextFs,
  });
  assert.deepEqual(context, { files: [], warnings: [] });
});

Deno.test("a config folder that is also a project folder gives its file once", async () => {
  await using dir = await tree({ "repo/AGENTS.md": "shared notes" });
  const context = await loadProjectContext({
    configDir: join(dir.path, "repo"),
    workspace: join(dir.path, "repo"),
    fs: denoContextFs,
  });
  assert.deepEqual(context.files.map((f) => f.text), ["shared notes"]);
});
