// Preloaded with `node --import`: reports the process's peak RSS and its CPU time (user +
// system, all threads) on exit (to stderr, one line each). The peak is the kernel's high-water
// mark (getrusage), not a sample, so no short peak is missed. Beside it, the largest V8 heap
// and external (Buffer) memory seen by a sampler every 250 ms, to tell the JS heap from native
// memory when the peak is too high.
const peak = { heap: 0, external: 0 };
setInterval(() => {
  const m = process.memoryUsage();
  peak.heap = Math.max(peak.heap, m.heapUsed);
  peak.external = Math.max(peak.external, m.external);
}, 250).unref();
process.on("exit", () => {
  const kb = (n) => Math.round(n / 1024);
  const u = process.cpuUsage();
  process.stderr.write(
    `\n__maxrss_kb=${process.resourceUsage().maxRSS} __maxheap_kb=${kb(peak.heap)} __maxexternal_kb=${kb(peak.external)}\n__cpu_ms=${((u.user + u.system) / 1000).toFixed(0)}\n`,
  );
});
