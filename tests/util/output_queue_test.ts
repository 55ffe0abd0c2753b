import assert from "node:assert/strict";
import type { Io, TextSink } from "../../src/util/io.ts";
import { outputQueue } from "../../src/util/output_queue.ts";
import type { Command } from "../../src/cli/command.ts";
import { withQueuedOutput } from "../../src/cli/output.ts";

/** A sink recording its writes into a shared log, each write waiting for `gate` when it is set. */
function recorder(name: string, log: string[], options: { gate?: () => Promise<void> } = {}) {
  const writes: string[] = [];
  const sink: TextSink = {
    isTerminal: false,
    async write(text) {
      await options.gate?.();
      writes.push(text);
      log.push(`${name}:${text}`);
    },
    writeSync(text) {
      writes.push(text);
      log.push(`${name}!${text}`);
    },
  };
  return { sink, writes };
}

Deno.test("queued writes reach each stream in order, the streams interleaved as written", async () => {
  const log: string[] = [];
  const out = recorder("out", log);
  const err = recorder("err", log);
  const queue = outputQueue(out.sink, err.sink);

  await queue.stdout.write("a");
  await queue.stdout.write("b");
  await queue.stderr.write("tool\n");
  await queue.stdout.write("c");
  await queue.stdout.write("d");
  await queue.flush();

  assert.deepEqual(log, ["out:ab", "err:tool\n", "out:cd"]);
});

Deno.test("thousands of deltas written within one moment go out in one write", async () => {
  const log: string[] = [];
  const out = recorder("out", log);
  const queue = outputQueue(out.sink, recorder("err", log).sink);
  const deltas = Array.from({ length: 2000 }, (_, i) => `w${i} `);

  for (const delta of deltas) await queue.stdout.write(delta);
  await queue.flush();

  assert.equal(out.writes.join(""), deltas.join(""));
  assert.equal(out.writes.length, 1);
});

Deno.test("text written while a write is under way follows it, in order", async () => {
  const log: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const out = recorder("out", log, { gate: () => held });
  const queue = outputQueue(out.sink, recorder("err", log).sink);

  await queue.stdout.write("first ");
  // The writer starts after a timer tick and then waits on the gate with "first " taken.
  await new Promise((resolve) => setTimeout(resolve, 5));
  await queue.stdout.write("second ");
  await queue.stdout.write("third");
  release();
  await queue.flush();

  assert.equal(out.writes.join(""), "first second third");
  assert.deepEqual(out.writes, ["first ", "second third"]);
});

Deno.test("a write beyond the queue's limit waits until the writer has caught up", async () => {
  const log: string[] = [];
  let release!: () => void;
  const held = new Promise<void>((resolve) => release = resolve);
  const out = recorder("out", log, { gate: () => held });
  const queue = outputQueue(out.sink, recorder("err", log).sink, 10);

  await queue.stdout.write("12345");
  let settled = false;
  const big = queue.stdout.write("67890ABCDEF").then(() => settled = true);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.equal(settled, false, "a write over the limit waits for the writer");
  release();
  await big;
  assert.equal(out.writes.join(""), "1234567890ABCDEF");
});

Deno.test("a failed write (a closed pipe) fails flush and every later write", async () => {
  const failing: TextSink = {
    isTerminal: false,
    write: () => Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)")),
  };
  const log: string[] = [];
  const queue = outputQueue(failing, recorder("err", log).sink);

  await queue.stdout.write("lost");
  await assert.rejects(() => queue.flush(), Deno.errors.BrokenPipe);
  await assert.rejects(() => queue.stdout.write("more"), Deno.errors.BrokenPipe);
  await assert.rejects(() => queue.stderr.write("note"), Deno.errors.BrokenPipe);
  assert.deepEqual(log, []);
});

Deno.test("flushSync writes what is still queued at once, in order, through the blocking write", async () => {
  const log: string[] = [];
  const queue = outputQueue(recorder("out", log).sink, recorder("err", log).sink);

  await queue.stdout.write("partial answer");
  await queue.stderr.write("! interrupted\n");
  queue.flushSync();

  assert.deepEqual(log, ["out!partial answer", "err!! interrupted\n"]);
  // Nothing is written twice once the writer gets its turn.
  await queue.flush();
  assert.equal(log.length, 2);
});

Deno.test("the queued sinks keep what the real ones say about the terminal", () => {
  const terminal: TextSink = { isTerminal: true, write: async () => {}, columns: () => 120 };
  const queue = outputQueue(terminal, { isTerminal: false, write: async () => {} });
  assert.equal(queue.stdout.isTerminal, true);
  assert.equal(queue.stdout.columns?.(), 120);
  assert.equal(queue.stderr.isTerminal, false);
  assert.equal(queue.stderr.columns, undefined);
});

/** An Io whose stdout and stderr record into `log`; `exit` records its code and throws. */
function recordingIo(log: string[], stdout: TextSink = recorder("out", log).sink): Io {
  const unused = () => {
    throw new Error("not used by these tests");
  };
  return {
    stdout,
    stderr: recorder("err", log).sink,
    stdin: { isTerminal: false, readAll: unused, readLine: unused, readKey: unused },
    env: () => undefined,
    cwd: "/",
    os: "linux",
    fetch: unused,
    now: Date.now,
    random: Math.random,
    exit: (code) => {
      log.push(`exit ${code}`);
      throw new Error("exited");
    },
    onSignal: () => () => {},
    byteStreams: unused,
  };
}

/** A command that runs `body` with the Io it is given. */
function command(body: (io: Io) => Promise<number>): Command {
  return { name: "test", summary: "", help: "", run: (_argv, io) => body(io) };
}

Deno.test("a queued command's output is all written, in order, before its exit code is returned", async () => {
  const log: string[] = [];
  const queued = withQueuedOutput(command(async (io) => {
    for (let i = 0; i < 100; i++) await io.stdout.write(`w${i} `);
    await io.stderr.write("hint\n");
    return 7;
  }));

  const code = await queued.run([], recordingIo(log));

  assert.equal(code, 7);
  const text = Array.from({ length: 100 }, (_, i) => `w${i} `).join("");
  assert.deepEqual(log, [`out:${text}`, "err:hint\n"]);
});

Deno.test("a forced exit (a second Ctrl+C) writes what is still queued first", async () => {
  const log: string[] = [];
  const queued = withQueuedOutput(command(async (io) => {
    await io.stdout.write("partial answer");
    return io.exit(130);
  }));

  await assert.rejects(() => queued.run([], recordingIo(log)), /exited/);

  assert.deepEqual(log, ["out!partial answer", "exit 130"]);
});

Deno.test("a closed stdout fails a queued command whose writes had already settled", async () => {
  const log: string[] = [];
  const closed: TextSink = {
    isTerminal: false,
    write: () => Promise.reject(new Deno.errors.BrokenPipe("Broken pipe (os error 32)")),
  };
  const queued = withQueuedOutput(command(async (io) => {
    await io.stdout.write("answer");
    return 0;
  }));

  await assert.rejects(() => queued.run([], recordingIo(log, closed)), Deno.errors.BrokenPipe);
});
