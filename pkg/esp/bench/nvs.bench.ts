// Throughput of NVS image generation for a typical device config (40 keys, 0x6000 partition), plain and
// XTS-AES encrypted, plus parsing. Run: npx tsx pkg/esp/bench/nvs.bench.ts [seconds per case, default 2]
import { buildNvsImage, generateNvsKeys, parseNvsImage, type NvsEntry } from '../src/index';
import { createNvsXtsCipher } from '../src/node';

const seconds = Number(process.argv[2] ?? 2);

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

function measure(name: string, run: () => void): void {
  run();
  const start = performance.now();
  let count = 0;
  while (performance.now() - start < seconds * 1000) {
    run();
    count++;
  }
  const elapsed = (performance.now() - start) / 1000;
  console.log(`${name.padEnd(44)} ${(count / elapsed).toFixed(0).padStart(8)} images/s  (${((elapsed / count) * 1000).toFixed(3)} ms each)`);
}

const entries = typicalConfig();
const keys = generateNvsKeys();
const encryptEntry = createNvsXtsCipher(keys, 'encrypt');
const plainImage = buildNvsImage(entries, { size: 0x6000 });

console.log(`NVS benchmark: ${entries.length} keys, partition 0x6000, ${seconds}s per case`);
measure('generate plain', () => buildNvsImage(entries, { size: 0x6000 }));
measure('generate encrypted (XTS-AES-256)', () => buildNvsImage(entries, { size: 0x6000, encryptEntry }));
measure('parse plain', () => parseNvsImage(plainImage));
