import assert from "node:assert/strict";
import { carveOut, workerPermissions } from "../../src/tools/worker_permissions.ts";

/** A directory tree as a map from a folder to its entry names. */
function tree(dirs: Record<string, string[]>) {
  const listed: string[] = [];
  const listDir = (path: string) => {
    listed.push(path);
    const names = dirs[path];
    return names ? Promise.resolve([...names]) : Promise.reject(new Deno.errors.NotFound(path));
  };
  return { listDir, listed };
}

Deno.test("roots without a hidden folder are granted as they are, without listing", async () => {
  const { listDir, listed } = tree({});
  assert.deepEqual(await carveOut(["/ws", "/extra"], ["/home/u/.config/pixir"], listDir), [
    "/ws",
    "/extra",
  ]);
  assert.deepEqual(listed, []);
});

Deno.test("a root containing a hidden folder is split around it, level by level", async () => {
  const { listDir } = tree({
    "/home/u": [".config", "project", ".bashrc"],
    "/home/u/.config": ["pixir", "git"],
  });
  assert.deepEqual(await carveOut(["/home/u"], ["/home/u/.config/pixir"], listDir), [
    "/home/u/.bashrc",
    "/home/u/.config/git",
    "/home/u/project",
  ]);
});

Deno.test("a root inside a hidden folder, or one that cannot be listed, grants nothing", async () => {
  const { listDir } = tree({});
  assert.deepEqual(await carveOut(["/p/sessions", "/q"], ["/p", "/q/pixir"], listDir), []);
});

Deno.test("workerPermissions grants read and write from the access and nothing else", async () => {
  const permissions = await workerPermissions(
    { read: ["/ws", "/docs"], write: [], hidden: [] },
    tree({}).listDir,
  );
  assert.deepEqual(permissions, {
    read: ["/ws", "/docs"],
    write: [],
    net: false,
    env: false,
    run: false,
    sys: false,
    ffi: false,
    import: false,
  });
});
