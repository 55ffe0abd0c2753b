// deno-lint-ignore-file no-console
import assert from "node:assert/strict";
import { join } from "node:path";
import { bubblewrapArgs } from "../../src/sandbox/bubblewrap.ts";
import type { SandboxLayout } from "../../src/sandbox/layout.ts";
import {
  probeSandbox,
  runProgram,
  sandboxLauncher,
  type SandboxStatus,
} from "../../src/sandbox/os_sandbox.ts";
import { seatbeltProfile } from "../../src/sandbox/seatbelt.ts";
import { createHiddenFolders } from "../../src/sandbox/hidden_folders.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const LAYOUT: SandboxLayout = {
  workspace: "/ws",
  writable: ["/ws", "/tmp"],
  hidden: ["/home/u/.config/pixir"],
  net: false,
};

Deno.test("bubblewrap: read-only root, writable binds, own pid namespace, hidden tmpfs last, no network", () => {
  assert.deepEqual(bubblewrapArgs(LAYOUT), [
    "--ro-bind",
    "/",
    "/",
    "--dev",
    "/dev",
    "--bind-try",
    "/ws",
    "/ws",
    "--bind-try",
    "/tmp",
    "/tmp",
    "--unshare-pid",
    "--proc",
    "/proc",
    "--tmpfs",
    "/home/u/.config/pixir",
    "--unshare-net",
    "--die-with-parent",
    "--chdir",
    "/ws",
    "--",
  ]);
  const open = bubblewrapArgs({ ...LAYOUT, writable: "all", net: true });
  assert.deepEqual(open.slice(0, 3), ["--bind", "/", "/"]);
  assert.ok(!open.includes("--unshare-net"));
  assert.ok(open.includes("--tmpfs"), "Pixir's folder stays hidden even when all is writable");
  assert.ok(open.includes("--unshare-pid"), "its own pid namespace even when all is writable");
});

Deno.test("bubblewrap: a read-only workspace under a writable temp dir is bound read-only after it", () => {
  const args = bubblewrapArgs({ ...LAYOUT, workspace: "/tmp/x/ws", writable: ["/tmp"] });
  assert.deepEqual(args.slice(5, 11), [
    "--bind-try",
    "/tmp",
    "/tmp",
    "--ro-bind",
    "/tmp/x/ws",
    "/tmp/x/ws",
  ]);
  const writable = bubblewrapArgs({
    ...LAYOUT,
    workspace: "/tmp/ws",
    writable: ["/tmp/ws", "/tmp"],
  });
  assert.ok(!writable.includes("--ro-bind", 3), "a writable workspace is not re-bound");
  assert.deepEqual(writable.slice(5, 11), [
    "--bind-try",
    "/tmp",
    "/tmp",
    "--bind-try",
    "/tmp/ws",
    "/tmp/ws",
  ]);
});

Deno.test("sandbox-exec profile: writes only where allowed, Pixir's folder denied, network per policy", () => {
  const profile = seatbeltProfile({ ...LAYOUT, writable: ['/w "q"'] });
  assert.equal(
    profile,
    [
      "(version 1)",
      "(allow default)",
      "(deny file-write*)",
      '(allow file-write* (subpath "/w \\"q\\"") (literal "/dev/null") (literal "/dev/tty") (regex #"^/dev/fd/"))',
      '(deny file-write* (subpath "/ws"))',
      '(deny file-read* file-write* (subpath "/home/u/.config/pixir"))',
      "(deny network*)",
      "",
    ].join("\n"),
  );
  const open = seatbeltProfile({ ...LAYOUT, writable: "all", net: true });
  assert.ok(!open.includes("(deny file-write*)\n") && !open.includes("network"));
});

Deno.test("the probe reports a working, failing, missing or unsupported sandbox truthfully", async () => {
  const calls: string[][] = [];
  const ok = await probeSandbox("linux", (program, args) => {
    calls.push([program, ...args]);
    return Promise.resolve({ code: 0, stderr: "" });
  }, "/ws");
  assert.deepEqual(ok, { active: true, kind: "bubblewrap", program: "bwrap" });
  assert.equal(calls[0].at(-1), "true");
  assert.ok(calls[0].includes("--unshare-net"), "probed in the tightest layout");

  const failing = await probeSandbox(
    "linux",
    () => Promise.resolve({ code: 1, stderr: "bwrap: No permissions to creating new namespace\n" }),
    "/ws",
  );
  assert.deepEqual(failing, {
    active: false,
    kind: "bubblewrap",
    reason: "bwrap fails: bwrap: No permissions to creating new namespace",
  });
  const missing = await probeSandbox(
    "darwin",
    () => Promise.reject(new Deno.errors.NotFound()),
    "/",
  );
  assert.deepEqual(missing, {
    active: false,
    kind: "sandbox-exec",
    reason: "/usr/bin/sandbox-exec is not installed",
  });
  const none = await probeSandbox("windows", () => assert.fail("nothing to run"), "C:\\");
  assert.equal(none.active, false);
});

Deno.test("bubblewrap for real: workspace writable, outside read-only, Pixir's folder hidden, no net", async (t) => {
  await using dir = await tempWorkspace({ "ws/a.txt": "a", "home/auth.json": "SECRET" });
  const ws = join(dir.path, "ws");
  const status: SandboxStatus = await probeSandbox(Deno.build.os, runProgram, ws);
  if (!status.active || status.kind !== "bubblewrap") {
    console.log(
      `skipped: bubblewrap does not work here (${status.active ? status.kind : status.reason})`,
    );
    return;
  }
  const layout: SandboxLayout = {
    workspace: ws,
    writable: [ws],
    hidden: [join(dir.path, "home")],
    net: false,
  };
  const sh = async (script: string) => {
    const [program, ...args] = sandboxLauncher(status, layout);
    const out = await new Deno.Command(program, {
      args: [...args, "bash", "-c", script],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    return { code: out.code, text };
  };
  await t.step("writes in the workspace", async () => {
    assert.equal((await sh("echo made > b.txt && pwd")).code, 0);
    assert.equal(await Deno.readTextFile(join(ws, "b.txt")), "made\n");
  });
  await t.step("cannot write outside it", async () => {
    const result = await sh(`echo x > ${dir.path}/outside.txt`);
    assert.notEqual(result.code, 0);
    assert.match(result.text, /Read-only file system/);
  });
  await t.step("sees an empty folder where Pixir's is", async () => {
    const result = await sh(`cat ${dir.path}/home/auth.json`);
    assert.notEqual(result.code, 0);
    assert.ok(!result.text.includes("SECRET"));
    assert.equal(await Deno.readTextFile(join(dir.path, "home", "auth.json")), "SECRET");
  });
  await t.step("has no network but loopback", async () => {
    // /proc/net shows the network namespace of the process reading it.
    const result = await sh("tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '");
    assert.equal(result.text.trim(), "lo");
  });
});

Deno.test("bubblewrap for real: a read-only workspace under the writable temp dir stays read-only", async () => {
  await using dir = await tempWorkspace({ "ws/a.txt": "a" });
  const ws = join(dir.path, "ws");
  const status = await probeSandbox(Deno.build.os, runProgram, ws);
  if (!status.active || status.kind !== "bubblewrap") {
    console.log(`skipped: bubblewrap does not work here (${status.active ? "" : status.reason})`);
    return;
  }
  // As `--read-only` lays it out: only the temp dir is writable, and the workspace is inside it.
  const layout: SandboxLayout = { workspace: ws, writable: [dir.path], hidden: [], net: false };
  const [program, ...args] = sandboxLauncher(status, layout);
  const out = await new Deno.Command(program, {
    args: [
      ...args,
      "bash",
      "-c",
      `echo x > ${ws}/b.txt; echo y > ${dir.path}/c.txt; ls ${dir.path}`,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  assert.match(text, /b\.txt: Read-only file system/);
  assert.equal(await Deno.readTextFile(join(dir.path, "c.txt")), "y\n", "the temp dir is writable");
  assert.ok(!(await Deno.stat(join(ws, "b.txt")).then(() => true, () => false)));
});

Deno.test("Pixir's folders are created 0700 before a sandbox hides them; uncreatable ones are left out", async () => {
  await using dir = await tempWorkspace({ "file": "not a folder" });
  const config = join(dir.path, "home", ".config", "pixir");
  const present = await createHiddenFolders([config, join(dir.path, "file", "pixir")]);
  assert.deepEqual(present, [config]);
  assert.equal((await Deno.stat(config)).mode! & 0o777, 0o700);
  assert.deepEqual(await createHiddenFolders([config]), [config], "an existing folder stays");
});

Deno.test("the launcher removes Pixir's credentials from the environment before the sandbox starts", () => {
  const status: SandboxStatus = { active: true, kind: "bubblewrap", program: "bwrap" };
  const launcher = sandboxLauncher(status, { ...LAYOUT, hiddenEnv: ["OPENAI_API_KEY"] });
  assert.deepEqual(launcher.slice(0, 4), ["env", "-u", "OPENAI_API_KEY", "bwrap"]);
  assert.equal(sandboxLauncher(status, LAYOUT)[0], "bwrap");
});
