// A stand-in for Pixir in the harness tests: says "ready" on stderr, then exits 130 on SIGINT
// (or 3 if no signal comes within 10 s).
const encoder = new TextEncoder();
Deno.addSignalListener("SIGINT", async () => {
  await Deno.stdout.write(encoder.encode("interrupted\n"));
  Deno.exit(130);
});
setTimeout(() => Deno.exit(3), 10_000);
await Deno.stderr.write(encoder.encode("working\nready\n"));
