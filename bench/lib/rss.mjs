// Preloaded with `node --import`: reports the process's peak RSS and its CPU time (user +
// system, all threads) on exit (to stderr, one line each).
process.on("exit", () => {
  const u = process.cpuUsage();
  process.stderr.write(`\n__maxrss_kb=${process.resourceUsage().maxRSS}\n__cpu_ms=${((u.user + u.system) / 1000).toFixed(0)}\n`);
});
