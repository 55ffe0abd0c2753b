// A stand-in for Pixir in the harness tests: reports what it was given, then exits with the code
// named by PIXIR_TEST_EXIT.
const stdin = await new Response(Deno.stdin.readable).text();
const report = {
  args: Deno.args,
  cwd: Deno.cwd(),
  home: Deno.env.get("HOME") ?? null,
  pixirHome: Deno.env.get("PIXIR_HOME") ?? null,
  openaiApiKey: Deno.env.get("OPENAI_API_KEY") ?? null,
  extra: Deno.env.get("PIXIR_TEST_EXTRA") ?? null,
  stdin,
};
await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(report)));
await Deno.stderr.write(new TextEncoder().encode("reported\n"));
Deno.exit(Number(Deno.env.get("PIXIR_TEST_EXIT") ?? "0"));
