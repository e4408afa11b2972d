// Polls a URL every `every` ms for `seconds` s from its own process, and prints each latency
// (ms) as a JSON array: a stalled server is seen as a client sees it, which a poller living
// in the stalled process itself would not.
const [url, seconds, every] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const latencies = [];
const end = performance.now() + seconds * 1000;
while (performance.now() < end) {
  const due = performance.now() + every;
  const t0 = performance.now();
  const res = await fetch(url);
  await res.text();
  latencies.push(performance.now() - t0);
  const wait = due - performance.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}
process.stdout.write(`${JSON.stringify(latencies)}\n`);
