/**
 * A lean HTTP/1.1 load client for benches (what wrk does): one keep-alive socket per client, a GET written as
 * bytes, the answer's status line and Content-Length read from the header, the body only counted. The client's
 * own cost stays small, so the figure measures the server rather than Node's HTTP parser on the client side.
 */
import { connect, type Socket } from 'node:net';

export interface LoadResult {
  /** Latency of each finished request, ms. */
  latencies: number[];
  /** Body bytes of 200 answers. */
  bytes: number;
  /** Answers other than 200, and broken connections. */
  failures: number;
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** Runs `clients` keep-alive connections requesting GET `path` back to back until `deadline` (performance.now()). */
export async function runLoad(port: number, path: string, clients: number, deadline: number): Promise<LoadResult> {
  const result: LoadResult = { latencies: [], bytes: 0, failures: 0 };
  const request = Buffer.from(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: keep-alive\r\n\r\n`);
  await Promise.all(Array.from({ length: clients }, () => oneClient(port, request, deadline, result)));
  return result;
}

function oneClient(port: number, request: Buffer, deadline: number, result: LoadResult): Promise<void> {
  return new Promise((resolve) => {
    const socket: Socket = connect({ host: '127.0.0.1', port, noDelay: true });
    let header = Buffer.alloc(0);
    let remaining = -1;
    let status = 0;
    let t0 = 0;
    const send = (): void => {
      if (performance.now() >= deadline) {
        socket.end();
        resolve();
        return;
      }
      header = Buffer.alloc(0);
      remaining = -1;
      t0 = performance.now();
      socket.write(request);
    };
    const finish = (): void => {
      result.latencies.push(performance.now() - t0);
      if (status !== 200) result.failures++;
      send();
    };
    socket.on('connect', send);
    socket.on('data', (chunk: Buffer) => {
      let body = chunk;
      if (remaining < 0) {
        header = header.length ? Buffer.concat([header, chunk]) : chunk;
        const end = header.indexOf(HEADER_END);
        if (end < 0) return;
        const head = header.subarray(0, end).toString('latin1');
        status = Number(head.slice(9, 12));
        remaining = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
        body = header.subarray(end + HEADER_END.length);
      }
      remaining -= body.length;
      if (status === 200) result.bytes += body.length;
      if (remaining <= 0) finish();
    });
    socket.on('error', () => {
      result.failures++;
      resolve();
    });
    socket.on('close', () => resolve());
  });
}
