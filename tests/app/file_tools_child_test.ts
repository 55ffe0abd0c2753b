import assert from "node:assert/strict";
import { join } from "node:path";
import { currentRuntime, sandboxedStarter } from "../../src/app/file_tools_child.ts";
import { probeSandbox, runProgram } from "../../src/sandbox/os_sandbox.ts";
import { FileToolWorker, startDenoWorker } from "../../src/tools/file_worker.ts";
import { decodeMessage, encodeMessage } from "../../src/tools/file_child.ts";
import { bubblewrapWorks } from "../harness/bubblewrap.ts";
import { tempWorkspace } from "../harness/workspace.ts";

Deno.test("messages keep their bytes across the line protocol", () => {
  const content = new Uint8Array([0, 1, 2, 254, 255, 10, 13]);
  const line = encodeMessage({
    id: 7,
    kind: "restore",
    workspace: "/ws",
    access: { read: ["/ws"], write: ["/ws"], hidden: [] },
    pixirFiles: [],
    path: "/ws/f",
    content,
    mode: 0o644,
  });
  assert.ok(!line.includes("\n"));
  const back = decodeMessage(line);
  assert.equal(back.kind, "restore");
  assert.deepEqual(back.kind === "restore" ? [...back.content] : [], [...content]);
});

/** A host whose tools start the way a run starts them; `sandboxed` tells where they ran. */
function host(workspace: string, sandbox: "probe" | "none") {
  const access = { read: [workspace], write: [workspace], hidden: [] };
  const started: boolean[] = [];
  const worker = new FileToolWorker({
    workspace,
    access,
    timeoutMs: 60_000,
    start: sandboxedStarter(
      {
        sandbox: () =>
          sandbox === "probe" ? probeSandbox("linux", runProgram, workspace) : Promise.resolve({
            active: false,
            kind: "bubblewrap",
            reason: "bwrap is not installed",
          }),
        workspace,
        access,
        runtime: currentRuntime(),
      },
      startDenoWorker,
      (child) => started.push(child),
    ),
  });
  return { worker, started };
}

for (const sandbox of ["probe", "none"] as const) {
  Deno.test({
    name: sandbox === "probe"
      ? "in the bubblewrap child the tools read, write, keep copies, restore and remove"
      : "without bubblewrap the same calls run in the Worker",
    ignore: sandbox === "probe" && !(await bubblewrapWorks()),
    async fn() {
      await using dir = await tempWorkspace({ "ws/a.txt": "alpha\n" });
      const ws = join(dir.path, "ws");
      const { worker, started } = host(ws, sandbox);
      const signal = new AbortController().signal;
      try {
        const read = await worker.call("read", JSON.stringify({ path: "a.txt" }), signal);
        assert.ok(read.ok && read.output.includes("alpha"), JSON.stringify(read));
        assert.deepEqual(started, [sandbox === "probe"]);
        const wrote = await worker.call(
          "write",
          JSON.stringify({ path: "sub/b.txt", content: "beta\n" }),
          signal,
        );
        assert.ok(wrote.ok, JSON.stringify(wrote));
        const prior = await worker.priorState(join(ws, "a.txt"), 1000, signal);
        assert.ok(prior.ok && prior.state.kind === "kept");
        assert.equal(new TextDecoder().decode(prior.state.content), "alpha\n");
        const bytes = new Uint8Array([0, 255, 10]);
        assert.deepEqual(await worker.restore(join(ws, "a.txt"), bytes, 0o600, signal), {
          ok: true,
        });
        assert.deepEqual([...await Deno.readFile(join(ws, "a.txt"))], [...bytes]);
        assert.equal((await Deno.stat(join(ws, "a.txt"))).mode! & 0o777, 0o600);
        assert.deepEqual(await worker.remove(join(ws, "sub", "b.txt"), signal), { ok: true });
        const outside = await worker.call("read", JSON.stringify({ path: "../x" }), signal);
        assert.ok(!outside.ok && outside.error.kind === "outside_workspace");
        assert.deepEqual(started, [sandbox === "probe"], "one start for every call");
      } finally {
        worker.close();
      }
    },
  });
}

Deno.test({
  name: "a child that runs past the time limit is stopped, and the next call starts a new one",
  ignore: !(await bubblewrapWorks()),
  async fn() {
    await using dir = await tempWorkspace({ "ws/line.txt": `${"a".repeat(40_000)}!\n` });
    const ws = join(dir.path, "ws");
    const access = { read: [ws], write: [ws], hidden: [] };
    const worker = new FileToolWorker({
      workspace: ws,
      access,
      timeoutMs: 1_500,
      start: sandboxedStarter({
        sandbox: () => probeSandbox("linux", runProgram, ws),
        workspace: ws,
        access,
        runtime: currentRuntime(),
      }, startDenoWorker),
    });
    const signal = new AbortController().signal;
    try {
      const slow = await worker.call("grep", JSON.stringify({ pattern: "(a+)+$" }), signal);
      assert.ok(!slow.ok && slow.error.kind === "timeout", JSON.stringify(slow));
      const next = await worker.call("ls", "{}", signal);
      assert.ok(next.ok, JSON.stringify(next));
    } finally {
      worker.close();
    }
  },
});

Deno.test({
  name: "the child sees only the roots it was started with, whatever a request's own checks allow",
  ignore: !(await bubblewrapWorks()),
  async fn() {
    await using dir = await tempWorkspace({ "ws/a.txt": "in\n", "outside/secret.txt": "out\n" });
    const ws = join(dir.path, "ws");
    const outside = join(dir.path, "outside");
    const mounted = { read: [ws], write: [ws], hidden: [] };
    // Path checks that let everything through stand for checks a swap has fooled.
    const fooled = { read: [ws, outside], write: [ws, outside], hidden: [] };
    const worker = new FileToolWorker({
      workspace: ws,
      access: fooled,
      timeoutMs: 60_000,
      start: sandboxedStarter({
        sandbox: () => probeSandbox("linux", runProgram, ws),
        workspace: ws,
        access: mounted,
        runtime: currentRuntime(),
      }, startDenoWorker),
    });
    const signal = new AbortController().signal;
    try {
      const inside = await worker.call("read", JSON.stringify({ path: "a.txt" }), signal);
      assert.ok(inside.ok, JSON.stringify(inside));
      const read = await worker.call(
        "read",
        JSON.stringify({ path: `${outside}/secret.txt` }),
        signal,
      );
      // Not there at all (the folders bubblewrap makes for a mount point are not even listable).
      assert.ok(
        !read.ok && ["not_found", "denied"].includes(read.error.kind),
        JSON.stringify(read),
      );
      const wrote = await worker.call(
        "write",
        JSON.stringify({ path: `${outside}/planted.txt`, content: "x" }),
        signal,
      );
      assert.ok(!wrote.ok, JSON.stringify(wrote));
      assert.deepEqual(
        (await Array.fromAsync(Deno.readDir(outside), (e) => e.name)).sort(),
        ["secret.txt"],
      );
    } finally {
      worker.close();
    }
  },
});
