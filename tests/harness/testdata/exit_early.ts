// A stand-in for Pixir in the harness tests: exits at once with the code in its first argument,
// without reading stdin.
Deno.exit(Number(Deno.args[0] ?? "0"));
