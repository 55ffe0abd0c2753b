// A stdio MCP server that dies mid-call: it relays to server-everything (its path is argv[2])
// until a tools/call arrives, then kills the real server and exits without answering.
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";

const server = spawn(process.execPath, [process.argv[2], "stdio"], {
  stdio: ["pipe", "inherit", "ignore"],
});
createInterface({ input: process.stdin }).on("line", (line) => {
  if (line.includes('"tools/call"')) {
    server.kill("SIGKILL");
    process.exit(3);
  }
  server.stdin.write(`${line}\n`);
});
