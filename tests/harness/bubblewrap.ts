/** Whether bubblewrap can run a command on this machine (containers often forbid it). */

/** True when `bwrap` on the PATH runs `true`. */
export async function bubblewrapWorks(): Promise<boolean> {
  try {
    const probe = await new Deno.Command("bwrap", {
      args: ["--ro-bind", "/", "/", "--dev", "/dev", "true"],
      stdout: "null",
      stderr: "null",
    }).output();
    return probe.success;
  } catch {
    return false;
  }
}
