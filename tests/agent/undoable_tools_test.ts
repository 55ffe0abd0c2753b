import assert from "node:assert/strict";
import { join } from "node:path";
import type { FileSnapshots } from "../../src/agent/file_snapshots.ts";
import { UNDOABLE_TOOLS, undoableTools } from "../../src/agent/undoable_tools.ts";
import { FILE_TOOLS } from "../../src/tools/file_tools.ts";
import { runToolCall } from "../../src/tools/registry.ts";
import { workspaceOnly } from "../../src/tools/workspace.ts";
import { withTempDir } from "./helpers.ts";

/** Snapshots that record the calls they get, and fail `beforeChange` when told to. */
function recordingSnapshots(failBefore = false) {
  const calls: string[] = [];
  const snapshots: FileSnapshots = {
    maxBytes: 1024,
    beforeChange(path) {
      calls.push(`before ${path}`);
      return failBefore ? Promise.reject(new Error("disk full")) : Promise.resolve();
    },
    afterChange(path) {
      calls.push(`after ${path}`);
      return Promise.resolve();
    },
  };
  return { calls, snapshots };
}

async function call(dir: string, snapshots: FileSnapshots, name: string, args: object) {
  const workspace = await Deno.realPath(dir);
  const tools = undoableTools(FILE_TOOLS, snapshots, workspaceOnly(workspace));
  const signal = new AbortController().signal;
  return await runToolCall(tools, name, JSON.stringify(args), { workspace, signal });
}

Deno.test("write and edit are the undoable tools", () => {
  assert.deepEqual([...UNDOABLE_TOOLS], ["write", "edit"]);
});

Deno.test("a change is wrapped: the snapshot before it, the record after it", async () => {
  await withTempDir(async (dir) => {
    const { calls, snapshots } = recordingSnapshots();
    const result = await call(dir, snapshots, "write", { path: "a.txt", content: "x" });
    assert.equal(result.ok, true);
    const path = join(await Deno.realPath(dir), "a.txt");
    assert.deepEqual(calls, [`before ${path}`, `after ${path}`]);
  });
});

Deno.test("when no copy can be kept, the file is not changed and the model is told why", async () => {
  await withTempDir(async (dir) => {
    const { snapshots } = recordingSnapshots(true);
    const result = await call(dir, snapshots, "write", { path: "a.txt", content: "x" });
    assert.deepEqual(result, {
      ok: false,
      error: {
        kind: "io",
        message: "Not changed: could not keep a copy of a.txt for undo: disk full",
      },
    });
    assert.equal(await Deno.stat(join(dir, "a.txt")).then(() => true, () => false), false);
  });
});

Deno.test("a failed change is not recorded as a change", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(join(dir, "e.txt"), "one\n");
    const { calls, snapshots } = recordingSnapshots();
    const result = await call(dir, snapshots, "edit", {
      path: "e.txt",
      old_text: "missing",
      new_text: "x",
    });
    assert.equal(result.ok, false);
    assert.deepEqual(calls, [`before ${join(await Deno.realPath(dir), "e.txt")}`]);
  });
});

Deno.test("other tools and bad arguments pass through without snapshots", async () => {
  await withTempDir(async (dir) => {
    const { calls, snapshots } = recordingSnapshots();
    await call(dir, snapshots, "ls", { path: "." });
    const bad = await call(dir, snapshots, "write", { content: "no path" });
    assert.equal(bad.ok, false);
    assert.deepEqual(calls, []);
  });
});
