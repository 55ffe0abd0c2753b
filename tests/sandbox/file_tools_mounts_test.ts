import assert from "node:assert/strict";
import { join } from "node:path";
import {
  fileToolsBubblewrapArgs,
  type FileToolsMounts,
  type SystemPath,
  systemPaths,
} from "../../src/sandbox/file_tools_mounts.ts";
import { bubblewrapWorks } from "../harness/bubblewrap.ts";
import { tempWorkspace } from "../harness/workspace.ts";

const SYSTEM: SystemPath[] = [
  { path: "/usr", kind: "bind" },
  { path: "/lib", kind: "symlink", target: "usr/lib" },
];

/** The mount pairs `flag src dst` of an argument list, in order. */
function mounts(args: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (["--ro-bind-try", "--bind-try", "--symlink"].includes(args[i])) {
      found.push(`${args[i]} ${args[i + 1]} ${args[i + 2]}`);
      i += 2;
    } else if (["--tmpfs", "--dev", "--proc", "--chdir"].includes(args[i])) {
      found.push(`${args[i]} ${args[i + 1]}`);
      i += 1;
    }
  }
  return found;
}

Deno.test("only the system, the runtime and the roots are mounted; roots after runtime, parents first", () => {
  const layout: FileToolsMounts = {
    workspace: "/home/u/ws",
    read: ["/home/u/ws", "/data/ref"],
    write: ["/home/u/ws/out", "/home/u/ws"],
    runtime: ["/opt/pixir"],
    hidden: ["/home/u/.config/pixir"],
  };
  const args = fileToolsBubblewrapArgs(layout, SYSTEM);
  assert.deepEqual(args.slice(0, 3), ["--unshare-all", "--die-with-parent", "--new-session"]);
  assert.deepEqual(mounts(args), [
    "--ro-bind-try /usr /usr",
    "--symlink usr/lib /lib",
    "--tmpfs /tmp",
    "--ro-bind-try /opt/pixir /opt/pixir",
    "--ro-bind-try /data/ref /data/ref",
    "--bind-try /home/u/ws /home/u/ws",
    "--bind-try /home/u/ws/out /home/u/ws/out",
    "--dev /dev",
    "--proc /proc",
    "--chdir /home/u/ws",
  ]);
  assert.equal(args.at(-1), "--");
  assert.ok(!args.includes("/home/u"), "the home folder is not mounted");
});

Deno.test("Pixir's folders are covered wherever a mount shows them; a root inside one is dropped", () => {
  const args = fileToolsBubblewrapArgs({
    workspace: "/home/u",
    read: ["/home/u", "/home/u/.local/share/pixir/sessions"],
    write: ["/home/u"],
    runtime: [],
    hidden: ["/home/u/.config/pixir", "/home/u/.local/share/pixir", "/elsewhere/pixir"],
  }, []);
  const shown = mounts(args);
  assert.ok(
    !shown.some((m) => m.includes("sessions")),
    "a root inside Pixir's folder is not bound",
  );
  assert.deepEqual(shown.filter((m) => m.startsWith("--tmpfs /home")), [
    "--tmpfs /home/u/.config/pixir",
    "--tmpfs /home/u/.local/share/pixir",
  ]);
  assert.ok(!shown.includes("--tmpfs /elsewhere/pixir"), "not mounted, nothing to cover");
});

Deno.test({
  name: "inside those mounts a path outside the roots does not exist, and the roots are as granted",
  ignore: !(await bubblewrapWorks()),
  async fn() {
    await using dir = await tempWorkspace({
      "ws/in.txt": "in",
      "ref/r.txt": "r",
      "out/secret": "s",
    });
    const at = (name: string) => join(dir.path, name);
    const args = fileToolsBubblewrapArgs({
      workspace: at("ws"),
      read: [at("ws"), at("ref")],
      write: [at("ws")],
      runtime: [],
      hidden: [],
    }, await systemPaths());
    const script = [
      `test -f ${at("ws/in.txt")}`,
      `test -f ${at("ref/r.txt")}`,
      `! test -e ${at("out/secret")}`,
      `! test -e ${at("out")}`,
      `touch ${at("ws/new.txt")}`,
      `! touch ${at("ref/new.txt")} 2>/dev/null`,
    ].join(" && ");
    const run = await new Deno.Command("bwrap", {
      args: [...args, "/bin/sh", "-c", script],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(20_000),
    }).output();
    assert.equal(run.code, 0, new TextDecoder().decode(run.stderr));
    assert.ok((await Deno.stat(at("ws/new.txt"))).isFile);
  },
});
