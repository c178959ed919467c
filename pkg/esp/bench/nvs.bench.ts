// Throughput of NVS image generation for a typical device config (40 keys, 0x6000 partition), plain and
// XTS-AES encrypted (each image with its own key, as the operator renders them), plus parsing; then the same
// images through Espressif's generator, when it is available, in the same run.
//   npx tsx pkg/esp/bench/nvs.bench.ts [seconds per case, default 3]
//   KUBEFLASH_NVS_GEN_PATH  folder holding esp_idf_nvs_partition_gen/ (a checkout of
//                           github.com/espressif/esp-idf-nvs-partition-gen); without it that part is skipped
//   KUBEFLASH_PYTHON        python to run it with (default python3; needs `cryptography`, e.g. Debian's
//                           python3-cryptography)
// Printed, never asserted: the machine may be shared. Each case reports the sustained (wall-clock) rate, the rate
// of its fastest batch of 100 images (close to what a quiet machine sustains), and images per second of CPU time
// the process actually got, with the load average around it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildNvsImage, generateNvsKeys, nvsXtsKey, parseNvsImage, type NvsEntry, type NvsKeys } from '../src/index';
import { createNvsXtsCipher } from '../src/node';

const seconds = Number(process.argv[2] ?? 3);
const SIZE = 0x6000;
const BATCH = 100;
/** Batch size for Espressif's generator (about 100 times slower per encrypted image). */
const ESPRESSIF_BATCH = 10;
/** Floors set by issue 3 (images/s on a quiet machine). */
const FLOOR = { plain: 20_000, encrypted: 10_000 };

function typicalConfig(): NvsEntry[] {
  const entries: NvsEntry[] = [];
  for (let i = 0; i < 20; i++) entries.push({ namespace: 'config', key: `str_${i}`, type: 'string', value: `value-${i}-`.repeat(4) });
  for (let i = 0; i < 16; i++) entries.push({ namespace: 'config', key: `num_${i}`, type: i % 2 ? 'u32' : 'i32', value: i * 1000 });
  entries.push({ namespace: 'tls', key: 'ca_cert', type: 'blob', value: new Uint8Array(1200).fill(0x41) });
  entries.push({ namespace: 'tls', key: 'client_cert', type: 'blob', value: new Uint8Array(900).fill(0x42) });
  entries.push({ namespace: 'tls', key: 'client_key', type: 'blob', value: new Uint8Array(250).fill(0x43) });
  entries.push({ namespace: 'tls', key: 'serial', type: 'u64', value: 123456789012345n });
  return entries;
}

interface Rate {
  /** Images per second of wall-clock time over the whole run. */
  sustained: number;
  /** Images per second in the fastest batch. */
  best: number;
  /** Images per second of CPU time the process got (user + system), when measured. */
  perCpuSecond?: number;
}

/** Runs `run` in batches of BATCH for `seconds`; images/s over the whole run and in the fastest batch. */
function measure(run: (i: number) => void): Rate {
  // Warm-up: let the JIT settle before timing.
  const warm = performance.now();
  while (performance.now() - warm < 500) for (let i = 0; i < BATCH; i++) run(i);
  let fastest = Infinity;
  let count = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) {
    const t = performance.now();
    for (let i = 0; i < BATCH; i++) run(count + i);
    fastest = Math.min(fastest, performance.now() - t);
    count += BATCH;
  }
  const elapsed = (performance.now() - start) / 1000;
  const used = process.cpuUsage(cpu);
  return { sustained: count / elapsed, best: BATCH / (fastest / 1000), perCpuSecond: count / ((used.user + used.system) / 1e6) };
}

const n = (x: number): string => Math.round(x).toLocaleString('en-US');
const load = (): string => loadavg()[0].toFixed(2);

function verdict(rate: Rate, floor: number): string {
  if (rate.sustained >= floor) return 'floor met';
  if (rate.best >= floor) return 'floor met only in the fastest batch (busy machine)';
  return 'FLOOR NOT MET';
}

function row(name: string, rate: Rate, floor?: number): void {
  const floorText = floor ? `${n(floor).padStart(7)}  ${verdict(rate, floor)}` : '';
  const perCpu = rate.perCpuSecond === undefined ? '' : n(rate.perCpuSecond);
  console.log(`${name.padEnd(40)} ${n(rate.sustained).padStart(9)} ${n(rate.best).padStart(10)} ${perCpu.padStart(10)}  ${floorText}`);
}

function main(): void {
  const entries = typicalConfig();
  // Distinct keys, so the encrypted case sets up a cipher per image like the operator does per device.
  const keys: NvsKeys[] = Array.from({ length: 64 }, () => generateNvsKeys());
  const plainImage = buildNvsImage(entries, { size: SIZE });

  console.log(`NVS image generation: ${entries.length} keys (20 strings, 16 u32/i32, 3 blobs of 2350 bytes, 1 u64; 2 namespaces), partition 0x${SIZE.toString(16)}, ${seconds} s per case`);
  console.log(`machine: ${availableParallelism()} CPUs, load average ${load()} (1 min) at start`);
  console.log(`${'case'.padEnd(40)} ${'images/s'.padStart(9)} ${'best 100'.padStart(10)} ${'per CPU-s'.padStart(10)}  ${'floor'.padStart(7)}`);
  const ours = {
    plain: measure(() => buildNvsImage(entries, { size: SIZE })),
    encrypted: measure((i) => buildNvsImage(entries, { size: SIZE, encryptEntry: createNvsXtsCipher(keys[i % keys.length], 'encrypt') })),
  };
  row('kubeflash generate plain', ours.plain, FLOOR.plain);
  row('kubeflash generate encrypted (XTS-AES)', ours.encrypted, FLOOR.encrypted);
  row('kubeflash parse plain', measure(() => parseNvsImage(plainImage)));
  console.log(`load average ${load()} (1 min) after the kubeflash cases`);
  compareWithEspressif(entries, keys[0], plainImage, ours);
}

/**
 * The same 40 keys through Espressif's generator, in one python process through its own API (nvs_open,
 * write_entry, nvs_close into memory: no CSV parsing, no files, no process start per image), checking first
 * that it writes the same bytes.
 */
function compareWithEspressif(entries: readonly NvsEntry[], key: NvsKeys, plainImage: Uint8Array, ours: Record<'plain' | 'encrypted', Rate>): void {
  const genPath = process.env.KUBEFLASH_NVS_GEN_PATH;
  if (!genPath) {
    console.log('Espressif generator not installed: skipped (set KUBEFLASH_NVS_GEN_PATH to a checkout of github.com/espressif/esp-idf-nvs-partition-gen)');
    return;
  }
  const python = process.env.KUBEFLASH_PYTHON ?? 'python3';
  const work = mkdtempSync(join(tmpdir(), 'kubeflash-nvs-bench-'));
  try {
    const rows = espressifRows(entries);
    writeFileSync(join(work, 'workload.json'), JSON.stringify({ rows, size: SIZE, seconds, batch: ESPRESSIF_BATCH, key: Buffer.from(nvsXtsKey(key)).toString('hex') }));
    const run = spawnSync(python, ['-c', ESPRESSIF_SCRIPT, genPath, join(work, 'workload.json')], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (run.error || run.status !== 0) {
      const why = run.error ? run.error.message : run.stderr.trim().split('\n').slice(-3).join(' | ');
      console.log(`Espressif generator could not run (${python}, ${genPath}): skipped. ${why}`);
      return;
    }
    const result = JSON.parse(run.stdout) as EspressifResult;
    const sameBytes = (hex: string, image: Uint8Array): string => (Buffer.from(hex, 'hex').equals(Buffer.from(image)) ? 'yes' : 'NO');
    const encrypted = buildNvsImage(entries, { size: SIZE, encryptEntry: createNvsXtsCipher(key, 'encrypt') });
    console.log(
      `Espressif esp_idf_nvs_partition_gen ${result.version} (python ${result.python}, cryptography ${result.cryptography}), ` +
        `in-process API, same bytes as kubeflash: plain ${sameBytes(result.plain.image, plainImage)}, encrypted ${sameBytes(result.encrypted.image, encrypted)}`,
    );
    for (const kind of ['plain', 'encrypted'] as const) {
      const theirs = result[kind];
      const times = (a: number, b: number): string => `${(a / b).toFixed(a / b < 10 ? 1 : 0)}x`;
      row(`Espressif generate ${kind} (best ${ESPRESSIF_BATCH})`, theirs);
      console.log(`${''.padEnd(40)} kubeflash is ${times(ours[kind].sustained, theirs.sustained)} as fast sustained, ${times(ours[kind].best, theirs.best)} in the best batch`);
    }
    console.log(`load average ${load()} (1 min) after the Espressif cases`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface EspressifResult {
  version: string;
  python: string;
  cryptography: string;
  plain: Rate & { image: string };
  encrypted: Rate & { image: string };
}

/** The entries as the generator's write_entry arguments: [key, type, encoding, value]. */
function espressifRows(list: readonly NvsEntry[]): string[][] {
  const rows: string[][] = [];
  let namespace: string | undefined;
  for (const e of list) {
    if (e.namespace !== namespace) rows.push([e.namespace, 'namespace', '', '']);
    namespace = e.namespace;
    if (e.type === 'blob') rows.push([e.key, 'data', 'hex2bin', Buffer.from(e.value).toString('hex')]);
    else rows.push([e.key, 'data', e.type, String(e.value)]);
  }
  return rows;
}

// Runs in python: argv[1] = folder holding esp_idf_nvs_partition_gen/, argv[2] = workload JSON. Prints JSON.
const ESPRESSIF_SCRIPT = `
import io, json, sys, time
sys.path.insert(0, sys.argv[1])
import cryptography
import esp_idf_nvs_partition_gen
from esp_idf_nvs_partition_gen import nvs_partition_gen as gen
work = json.load(open(sys.argv[2]))
key = bytes.fromhex(work['key'])
size, read_only = gen.check_size(hex(work['size']))
def build(encrypt):
    out = io.BytesIO()
    nvs = gen.nvs_open(out, size, gen.Page.VERSION2, is_encrypt=encrypt, key=key if encrypt else None, read_only=read_only)
    for k, datatype, encoding, value in work['rows']:
        gen.write_entry(nvs, k, datatype, encoding, value)
    gen.nvs_close(nvs)
    return out.getvalue()
result = {'version': esp_idf_nvs_partition_gen.__version__, 'python': sys.version.split()[0], 'cryptography': cryptography.__version__}
for name, encrypt in (('plain', False), ('encrypted', True)):
    image = build(encrypt)
    count, fastest, start = 0, float('inf'), time.perf_counter()
    while time.perf_counter() - start < work['seconds']:
        t = time.perf_counter()
        for _ in range(work['batch']):
            build(encrypt)
        fastest = min(fastest, time.perf_counter() - t)
        count += work['batch']
    result[name] = {'sustained': count / (time.perf_counter() - start), 'best': work['batch'] / fastest, 'image': image.hex()}
print(json.dumps(result))
`;

main();
