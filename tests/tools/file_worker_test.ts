import assert from "node:assert/strict";
import { join } from "node:path";
import {
  type FileToolRequest,
  FileToolWorker,
  inWorker,
  startDenoWorker,
  type WorkerHandle,
} from "../../src/tools/file_worker.ts";
import { FILE_TOOLS } from "../../src/tools/file_tools.ts";
import { workerPermissions } from "../../src/tools/worker_permissions.ts";
import { workspaceOnly } from "../../src/tools/workspace.ts";
import type { FileAccess } from "../../src/tools/tool.ts";
import { failure, okOutput, sandbox } from "./helpers.ts";

const never = new AbortController().signal;

/** Everything readable and writable as far as Pixir's own path checks go: layer one bypassed. */
const EVERYTHING: FileAccess = { read: ["/"], write: ["/"], hidden: [] };

/** A Worker whose Deno permissions come from `granted` while the path checks inside allow all. */
async function bypassedWorker(workspace: string, granted: FileAccess): Promise<FileToolWorker> {
  const permissions = await workerPermissions(granted);
  return new FileToolWorker({
    workspace,
    access: EVERYTHING,
    start: () => startDenoWorker(permissions),
  });
}

Deno.test("the Worker runs file tools inside the workspace", async () => {
  await using box = await sandbox({ "ws/a.txt": "alpha\n" });
  const worker = new FileToolWorker({ workspace: box.ws, access: workspaceOnly(box.ws) });
  try {
    assert.equal(okOutput(await worker.call("read", '{"path":"a.txt"}', never)), "alpha\n");
    okOutput(await worker.call("write", '{"path":"b.txt","content":"beta\\n"}', never));
    assert.equal(await Deno.readTextFile(join(box.ws, "b.txt")), "beta\n");
    assert.match(okOutput(await worker.call("ls", "{}", never)), /a\.txt/);
  } finally {
    worker.close();
  }
});

Deno.test("the Worker alone refuses a symlink escape when the path checks are bypassed", async () => {
  await using box = await sandbox({ "outside/secret.txt": "secret\n" });
  await Deno.symlink(join(box.outside, "secret.txt"), join(box.ws, "link.txt"));
  await Deno.symlink(box.outside, join(box.ws, "linkdir"));
  const worker = await bypassedWorker(box.ws, workspaceOnly(box.ws));
  try {
    for (const path of ["link.txt", "linkdir/secret.txt", "../outside/secret.txt"]) {
      failure(await worker.call("read", JSON.stringify({ path }), never), "denied");
    }
    failure(await worker.call("read", `{"path":"${box.outside}/secret.txt"}`, never), "denied");
    failure(await worker.call("ls", '{"path":"linkdir"}', never), "denied");
    failure(await worker.call("edit", editOf("link.txt"), never), "denied");
    assert.equal(await Deno.readTextFile(join(box.outside, "secret.txt")), "secret\n");
    const write = await worker.call("write", '{"path":"linkdir/new.txt","content":"x"}', never);
    failure(write, "denied");
    await assert.rejects(Deno.lstat(join(box.outside, "new.txt")), Deno.errors.NotFound);
  } finally {
    worker.close();
  }
});

Deno.test("the Worker cannot write anything when the grant is read-only", async () => {
  await using box = await sandbox({ "ws/a.txt": "alpha\n" });
  const worker = await bypassedWorker(box.ws, { read: [box.ws], write: [], hidden: [] });
  try {
    okOutput(await worker.call("read", '{"path":"a.txt"}', never));
    failure(await worker.call("write", '{"path":"a.txt","content":"x"}', never), "denied");
    assert.equal(await Deno.readTextFile(join(box.ws, "a.txt")), "alpha\n");
  } finally {
    worker.close();
  }
});

Deno.test("a hidden folder inside the workspace is outside the Worker's grant", async () => {
  await using box = await sandbox({ "ws/home/auth.json": "{}", "ws/src/a.txt": "alpha\n" });
  const hidden = join(box.ws, "home");
  const worker = await bypassedWorker(box.ws, { ...workspaceOnly(box.ws), hidden: [hidden] });
  try {
    okOutput(await worker.call("read", '{"path":"src/a.txt"}', never));
    failure(await worker.call("read", '{"path":"home/auth.json"}', never), "denied");
    failure(await worker.call("write", '{"path":"home/auth.json","content":"x"}', never), "denied");
    assert.equal(await Deno.readTextFile(join(hidden, "auth.json")), "{}");
  } finally {
    worker.close();
  }
});

/** A stand-in Worker that records requests and lets the test reply or crash. */
function fakeWorker() {
  const sent: FileToolRequest[] = [];
  let terminated = 0;
  const handle: WorkerHandle = {
    postMessage: (message) => sent.push(message),
    onmessage: null,
    onerror: null,
    terminate: () => terminated++,
  };
  return { handle, sent, terminations: () => terminated };
}

Deno.test("a crashing Worker fails the call as a tool error and is restarted next time", async () => {
  const workers = [fakeWorker(), fakeWorker()];
  let started = 0;
  const worker = new FileToolWorker({
    workspace: "/ws",
    access: workspaceOnly("/ws"),
    start: () => workers[started++].handle,
  });
  const first = worker.call("read", '{"path":"a"}', never);
  await waitFor(() => workers[0].sent.length === 1);
  const crash = new ErrorEvent("error", { message: "Uncaught RangeError: boom" });
  workers[0].handle.onerror?.(crash);
  const error = failure(await first, "io");
  assert.match(error.message, /crashed: Uncaught RangeError: boom/);
  assert.equal(workers[0].terminations(), 1);

  const second = worker.call("ls", "{}", never);
  await waitFor(() => workers[1].sent.length === 1);
  const { id } = workers[1].sent[0];
  workers[1].handle.onmessage?.(
    new MessageEvent("message", {
      data: { id, kind: "tool", result: { ok: true, output: "fine" } },
    }),
  );
  assert.equal(okOutput(await second), "fine");
  assert.equal(started, 2);
});

Deno.test("aborting a call terminates the Worker and reports aborted", async () => {
  const fake = fakeWorker();
  const worker = new FileToolWorker({
    workspace: "/ws",
    access: workspaceOnly("/ws"),
    start: () => fake.handle,
  });
  const controller = new AbortController();
  const call = worker.call("grep", '{"pattern":"x"}', controller.signal);
  await waitFor(() => fake.sent.length === 1);
  controller.abort();
  failure(await call, "aborted");
  assert.equal(fake.terminations(), 1);
});

Deno.test("inWorker keeps each tool's name and schema and sends its arguments as JSON", async () => {
  const fake = fakeWorker();
  const worker = new FileToolWorker({
    workspace: "/ws",
    access: workspaceOnly("/ws"),
    start: () => fake.handle,
  });
  const tools = inWorker(FILE_TOOLS, worker);
  assert.deepEqual(tools.map((t) => t.name), FILE_TOOLS.map((t) => t.name));
  assert.deepEqual(tools.map((t) => t.parameters), FILE_TOOLS.map((t) => t.parameters));
  const pending = tools[0].run({ path: "a.txt" }, { workspace: "/ws", signal: never });
  await waitFor(() => fake.sent.length === 1);
  const sent = fake.sent[0];
  assert.equal(sent.kind, "tool");
  assert.equal(sent.name, "read");
  assert.equal(sent.argumentsJson, '{"path":"a.txt"}');
  worker.close();
  failure(await pending, "aborted");
});

function editOf(path: string): string {
  return JSON.stringify({ path, old_text: "secret", new_text: "changed" });
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(condition(), "condition never became true");
}
