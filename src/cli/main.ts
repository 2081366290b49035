#!/usr/bin/env node
import { quietOnClosedPipe } from "./closed-pipe.js";
import { main } from "./run.js";

quietOnClosedPipe(process.stdout);
quietOnClosedPipe(process.stderr);
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, stdin: process.stdin }).then((code) => {
  process.exitCode = code;
});
