/**
 * Artifact service downloads (issue 15): 200 concurrent clients download a 1 MiB image over loopback from the
 * service in a child process, for BENCH_SECONDS (default 10). Prints the aggregate throughput (goal >= 500 MB/s
 * here), request latency percentiles, and the server's RSS before, during (max) and after; then checks that a
 * download cut in the middle and resumed with Range + If-Range is byte-exact. The load comes from a lean client
 * (http-load.ts) so that the figure is the server's, not Node's client-side HTTP parsing.
 * Env: BENCH_CLIENTS (default 200), BENCH_SECONDS (default 10), BENCH_BLOB_BYTES (default 1048576).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, get, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { runLoad } from './http-load';

const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const here = fileURLToPath(new URL('.', import.meta.url));

const child = spawn(process.execPath, ['--conditions', 'kubeflash-source', '--import', 'tsx', `${here}artifact-server.ts`], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
const [port, sha256] = await new Promise<[number, string]>((resolve, reject) => {
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
    const m = /READY (\d+) ([0-9a-f]{64})/.exec(out);
    if (m) resolve([Number(m[1]), m[2]]);
  });
  child.once('exit', (code) => reject(new Error(`the bench server exited (${code})`)));
});
const rssMiB = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
const path = `/blobs/sha256/${sha256}`;
// The checks after the load open a connection per request (an idle keep-alive socket may be closed by the server).
const agent = new Agent({ keepAlive: false });

/** One download; `keep` collects the body (the load loop only counts bytes, as a client writing to disk would not buffer). */
function download(headers: Record<string, string> = {}, cutAfter?: number, keep = true): Promise<{ status: number; body: Buffer; bytes: number; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      let got = 0;
      res.on('data', (c: Buffer) => {
        if (keep) chunks.push(c);
        got += c.length;
        if (cutAfter !== undefined && got >= cutAfter) {
          req.destroy();
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), bytes: got, res });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), bytes: got, res }));
      res.on('error', reject);
    });
    req.on('error', (err) => (cutAfter === undefined ? reject(err) : undefined));
  });
}

// Warm up (connections, page cache), then measure.
await runLoad(port, path, CLIENTS, performance.now() + 1000);
const cpuSeconds = (): number => {
  const fields = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
};
const cpuBefore = cpuSeconds();
const rssBefore = rssMiB();
let rssMax = rssBefore;
const sampler = setInterval(() => (rssMax = Math.max(rssMax, rssMiB())), 100);
const clientCpuBefore = process.cpuUsage();
const started = performance.now();
const { latencies, bytes, failures } = await runLoad(port, path, CLIENTS, started + SECONDS * 1000);
const elapsed = (performance.now() - started) / 1000;
const serverCpu = cpuSeconds() - cpuBefore;
const clientCpu = (() => {
  const u = process.cpuUsage(clientCpuBefore);
  return (u.user + u.system) / 1e6;
})();
clearInterval(sampler);
await new Promise((r) => setTimeout(r, 1000));
const rssAfter = rssMiB();
latencies.sort((a, b) => a - b);
const pct = (p: number): string => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))].toFixed(1);
const mbps = bytes / 1e6 / elapsed;
console.log(`downloads: ${latencies.length} of ${(bytes / Math.max(1, latencies.length - failures) / 1024).toFixed(0)} KiB by ${CLIENTS} concurrent clients in ${elapsed.toFixed(1)} s, ${failures} failed`);
console.log(`aggregate: ${mbps.toFixed(0)} MB/s (goal >= 500 MB/s) ${mbps >= 500 ? 'MET' : 'NOT MET'}`);
console.log(`latency per 1 MiB download: p50 ${pct(50)} ms, p90 ${pct(90)} ms, p99 ${pct(99)} ms, max ${latencies.at(-1)?.toFixed(1)} ms`);
console.log(`server CPU: ${serverCpu.toFixed(1)} s in ${elapsed.toFixed(1)} s (${((bytes / 1e6) / Math.max(serverCpu, 0.01)).toFixed(0)} MB per CPU-second); machine load average ${readFileSync('/proc/loadavg', 'utf8').split(' ')[0]} on ${(await import('node:os')).cpus().length} cores`);
console.log(`load client CPU: ${clientCpu.toFixed(1)} s (raw keep-alive sockets, bodies counted, not parsed)`);
console.log(`server RSS: ${rssBefore.toFixed(0)} MiB before, ${rssMax.toFixed(0)} MiB max while serving, ${rssAfter.toFixed(0)} MiB after`);

// A download cut after 300 KiB and resumed with Range + If-Range is byte-exact.
const whole = await download();
const cut = await download({}, 300 * 1024);
const etag = String(whole.res.headers.etag);
const rest = await download({ Range: `bytes=${cut.body.length}-`, 'If-Range': etag });
const resumed = Buffer.concat([cut.body, rest.body]);
const exact = rest.status === 206 && createHash('sha256').update(resumed).digest('hex') === sha256 && resumed.equals(whole.body);
console.log(`resumed download: cut at ${cut.body.length} bytes, resumed with 206 for ${rest.body.length} bytes: ${exact ? 'byte-exact' : 'MISMATCH'}`);
agent.destroy();
child.kill();
if (!exact || failures > 0) process.exitCode = 1;
