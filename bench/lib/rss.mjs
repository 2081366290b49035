// Preloaded with `node --import`: reports the process's peak RSS on exit (to stderr, one line).
process.on("exit", () => {
  process.stderr.write(`\n__maxrss_kb=${process.resourceUsage().maxRSS}\n`);
});
