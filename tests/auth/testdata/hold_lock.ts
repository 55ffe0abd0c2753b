// Holds the lock on Deno.args[0], says "locked", and keeps it until its stdin closes.
import { withLock } from "../../../src/auth/file_lock.ts";

await withLock(Deno.args[0], async () => {
  await Deno.stdout.write(new TextEncoder().encode("locked\n"));
  await new Response(Deno.stdin.readable).text();
});
