import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { Command } from 'commander';
import {
  NvsFormatError,
  NvsInputError,
  buildNvsKeyPartition,
  deriveNvsKeysFromHmacKey,
  formatNvsToolJson,
  generateNvsKeys,
  nvsPartitionLayout,
  nvsToolMinimalRecords,
  parseNvsImage,
  parseNvsKeyPartition,
  type NvsEntry,
  type NvsKeys,
  type NvsParsedImage,
} from '@kubeflash/esp';
import { buildNvsImageFromCsvFiles, createNvsXtsCipher, decryptNvsImage } from '@kubeflash/esp/node';
import { UsageError } from '@kubeflash/operator/cli';
import { writeFileAtomic } from '../files';

interface OutdirOptions {
  outdir?: string;
}
interface GenerateOptions extends OutdirOptions {
  version: string;
}
interface KeygenOptions extends OutdirOptions {
  keyfile?: string;
  key_protect_hmac?: boolean;
  kp_hmac_keygen?: boolean;
  kp_hmac_keyfile?: string;
  kp_hmac_inputkey?: string;
}
interface EncryptOptions extends GenerateOptions, KeygenOptions {
  keygen?: boolean;
  inputkey?: string;
}
interface ParseOptions {
  keys?: string;
  json?: boolean;
}

const log = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const warn = (line: string): void => {
  process.stderr.write(`kubeflash: ${line}\n`);
};

/**
 * `kubeflash nvs ...`: NVS partition images, byte-identical to ESP-IDF's nvs_partition_gen, with the same
 * argument order (`generate <csv...> <out.bin> <size>`, `encrypt ...`, `decrypt <in> <keys> <out>`,
 * `generate-key`), plus `parse` (like nvs_tool.py).
 */
export function registerNvsCommand(program: Command): void {
  const nvs = program
    .command('nvs')
    .description('NVS partition images: generate (plain or XTS-AES encrypted), decrypt, make keys, parse');

  const addHmacOptions = (cmd: Command): Command =>
    cmd
      .option('--key_protect_hmac', 'derive the keys with the HMAC-based scheme (eFuse HMAC key on the device)')
      .option('--kp_hmac_keygen', 'generate a random HMAC key (written to the keys folder)')
      .option('--kp_hmac_keyfile <name>', 'file name of the generated HMAC key (default hmac-<keyfile>)')
      .option('--kp_hmac_inputkey <file>', 'file with the HMAC key to derive the NVS keys from');

  nvs
    .command('generate')
    .usage('<input.csv...> <output.bin> <size> [options]')
    .description('generate an NVS image from CSV (key,type,encoding,value), like nvs_partition_gen generate')
    .argument('<args...>', 'CSV file(s), the output file and the partition size (hex 0x6000 or decimal)')
    .option('--version <n>', 'format version: 2 = multi-page blobs, 1 = legacy', '2')
    .option('--outdir <dir>', 'folder for relative output paths (default: current folder)')
    .action((args: string[], options: GenerateOptions) => runCli(() => runGenerate(args, options)));

  addHmacOptions(
    nvs
      .command('encrypt')
      .usage('<input.csv...> <output.bin> <size> (--inputkey <keys.bin> | --keygen [--keyfile <name>]) [options]')
      .description('generate an XTS-AES encrypted NVS image, like nvs_partition_gen encrypt')
      .argument('<args...>', 'CSV file(s), the output file and the partition size (hex 0x6000 or decimal)')
      .option('--version <n>', 'format version: 2 = multi-page blobs, 1 = legacy', '2')
      .option('--inputkey <file>', 'nvs_keys partition (or 64-byte key) to encrypt with')
      .option('--keygen', 'generate new keys (written to <outdir>/keys/)')
      .option('--keyfile <name>', 'file name of the generated keys (default keys-<MM-DD_HH-MM>.bin)')
      .option('--outdir <dir>', 'folder for relative output paths and keys/ (default: current folder)'),
  ).action((args: string[], options: EncryptOptions) => runCli(() => runEncrypt(args, options)));

  nvs
    .command('decrypt')
    .description('decrypt an encrypted NVS image, like nvs_partition_gen decrypt')
    .argument('<input>', 'encrypted NVS image')
    .argument('<key>', 'nvs_keys partition (or 64-byte key)')
    .argument('<output>', 'decrypted image to write')
    .option('--outdir <dir>', 'folder for a relative output path (default: current folder)')
    .action((input: string, key: string, output: string, options: OutdirOptions) =>
      runCli(() => runDecrypt(input, key, output, options)),
    );

  addHmacOptions(
    nvs
      .command('generate-key')
      .alias('keygen')
      .description('generate an nvs_keys partition (4096 bytes: eky, tky, CRC32) from a CSPRNG or an HMAC key')
      .option('--keyfile <name>', 'file name of the keys (default keys-<MM-DD_HH-MM>.bin)')
      .option('--outdir <dir>', 'the keys go to <outdir>/keys/ (default: current folder)'),
  ).action((options: KeygenOptions) => runCli(() => runGenerateKey(options)));

  nvs
    .command('parse')
    .description('print the namespaces, keys and values of an NVS image and check its integrity')
    .argument('<input>', 'NVS image (plain, or encrypted with --keys)')
    .option('--keys <file>', 'nvs_keys partition to decrypt an encrypted image')
    .option('--json', 'print JSON like `nvs_tool.py -f json -d minimal`')
    .action((input: string, options: ParseOptions) => runCli(() => runParse(input, options)));
}

/** Turns library input errors into one-line CLI errors. */
function runCli(action: () => void): void {
  try {
    action();
  } catch (err) {
    if (err instanceof NvsInputError || err instanceof NvsFormatError) throw new UsageError(err.message);
    throw err;
  }
}

/** Partition size: hex (0x6000) or decimal (24576), checked like the generator. */
export function parseNvsSize(text: string): number {
  const size = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text.slice(2), 16) : /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(size)) throw new UsageError(`size must be hex (0x6000) or decimal (24576), got "${text}"`);
  nvsPartitionLayout(size);
  return size;
}

function parseVersion(text: string): 1 | 2 {
  if (text !== '1' && text !== '2') throw new UsageError(`--version must be 1 or 2, got "${text}"`);
  return Number(text) as 1 | 2;
}

function splitInputs(args: string[]): { inputs: string[]; output: string; size: number } {
  if (args.length < 3) throw new UsageError('expected <input.csv...> <output.bin> <size>');
  const size = parseNvsSize(args[args.length - 1]);
  return { inputs: args.slice(0, -2), output: args[args.length - 2], size };
}

function readInput(path: string, what: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

/** Output path under --outdir (absolute paths as given), like the generator. */
function outputPath(path: string, outdir?: string): string {
  return isAbsolute(path) ? path : resolve(outdir ?? '.', path);
}


function readOnlyNote(size: number): void {
  if (nvsPartitionLayout(size).readOnly) {
    warn(
      'note: read/write NVS needs at least 0x3000 bytes; smaller partitions must be flagged "readonly" in the ' +
        'partition table, and the image holds only the pages in use (like ESP-IDF\'s generator)',
    );
  }
}

function buildImage(inputs: string[], size: number, version: 1 | 2, keys?: NvsKeys): Uint8Array {
  for (const input of inputs) readInput(input, 'CSV');
  return buildNvsImageFromCsvFiles(inputs, {
    size,
    version,
    encryptEntry: keys && createNvsXtsCipher(keys, 'encrypt'),
  });
}

function runGenerate(args: string[], options: GenerateOptions): void {
  const { inputs, output, size } = splitInputs(args);
  const version = parseVersion(options.version);
  readOnlyNote(size);
  const image = buildImage(inputs, size, version);
  const path = outputPath(output, options.outdir);
  writeFileAtomic(path, image);
  log(`Created NVS binary (version ${version}, ${image.length} bytes): ${path}`);
}

function runEncrypt(args: string[], options: EncryptOptions): void {
  const { inputs, output, size } = splitInputs(args);
  const version = parseVersion(options.version);
  if (!options.keygen && !options.inputkey) throw new UsageError('encrypt needs --keygen or --inputkey <keys.bin>');
  if (options.keygen && options.inputkey) throw new UsageError('--keygen and --inputkey cannot be used together');
  if (options.inputkey && options.keyfile) warn('--inputkey is given, so --keyfile is ignored');
  if (options.inputkey && options.key_protect_hmac) warn('--inputkey is given, so the --key_protect_hmac options are ignored');
  readOnlyNote(size);

  const generated = options.keygen ? makeKeys(options) : undefined;
  const keys = generated?.keys ?? parseNvsKeyPartition(readInput(options.inputkey ?? '', 'key file'));
  const image = buildImage(inputs, size, version, keys);
  if (generated) writeKeyFiles(generated, options);
  const path = outputPath(output, options.outdir);
  writeFileAtomic(path, image);
  log(`Created encrypted NVS binary (version ${version}, ${image.length} bytes): ${path}`);
}

function runDecrypt(input: string, key: string, output: string, options: OutdirOptions): void {
  const image = readInput(input, 'image');
  const keys = parseNvsKeyPartition(readInput(key, 'key file'));
  const path = outputPath(output, options.outdir);
  writeFileAtomic(path, decryptNvsImage(image, keys));
  log(`Created NVS decrypted binary: ${path}`);
}

function runGenerateKey(options: KeygenOptions): void {
  writeKeyFiles(makeKeys(options), options);
}

interface GeneratedKeys {
  keys: NvsKeys;
  /** Set when --kp_hmac_keygen made a new HMAC key that must be saved. */
  newHmacKey?: Uint8Array;
}

function makeKeys(options: KeygenOptions): GeneratedKeys {
  if (!options.key_protect_hmac) {
    if (options.kp_hmac_keygen || options.kp_hmac_inputkey) throw new UsageError('the --kp_hmac_* options need --key_protect_hmac');
    return { keys: generateNvsKeys() };
  }
  if (options.kp_hmac_keygen && options.kp_hmac_inputkey) {
    throw new UsageError('--kp_hmac_keygen and --kp_hmac_inputkey cannot be used together');
  }
  if (options.kp_hmac_keygen) {
    const hmacKey = new Uint8Array(randomBytes(32));
    return { keys: deriveNvsKeysFromHmacKey(hmacKey), newHmacKey: hmacKey };
  }
  if (!options.kp_hmac_inputkey) throw new UsageError('--key_protect_hmac needs --kp_hmac_keygen or --kp_hmac_inputkey <file>');
  return { keys: deriveNvsKeysFromHmacKey(readInput(options.kp_hmac_inputkey, 'HMAC key file')) };
}

/** Key files go to <outdir>/keys/ like the generator's; a name without extension gets ".bin". */
function keyFilePath(name: string, outdir?: string): string {
  const file = extname(name) ? name : `${name}.bin`;
  return isAbsolute(file) ? file : resolve(outdir ?? '.', 'keys', file);
}

function defaultKeyFileName(): string {
  const now = new Date();
  const two = (n: number): string => String(n).padStart(2, '0');
  return `keys-${two(now.getMonth() + 1)}-${two(now.getDate())}_${two(now.getHours())}-${two(now.getMinutes())}.bin`;
}

function writeKeyFiles(generated: GeneratedKeys, options: KeygenOptions): void {
  const keyfile = options.keyfile ?? defaultKeyFileName();
  if (generated.newHmacKey) {
    const hmacPath = keyFilePath(options.kp_hmac_keyfile ?? `hmac-${keyfile}`, options.outdir);
    writeFileAtomic(hmacPath, generated.newHmacKey);
    log(`Created HMAC key: ${hmacPath}`);
  }
  const path = keyFilePath(keyfile, options.outdir);
  writeFileAtomic(path, buildNvsKeyPartition(generated.keys));
  log(`Created encryption keys: ${path}`);
}

function runParse(input: string, options: ParseOptions): void {
  const image = readInput(input, 'image');
  const keys = options.keys ? parseNvsKeyPartition(readInput(options.keys, 'key file')) : undefined;
  const parsed = parseNvsImage(image, keys ? { decryptEntry: createNvsXtsCipher(keys, 'decrypt') } : {});
  if (options.json) process.stdout.write(formatNvsToolJson(nvsToolMinimalRecords(parsed)));
  else printParsed(parsed);
  for (const issue of parsed.issues) warn(`${issue.severity}: ${issue.message}`);
  if (parsed.issues.some((i) => i.severity === 'error')) process.exitCode = 1;
}

function describeValue(entry: NvsEntry): string {
  if (entry.type === 'string') return JSON.stringify(entry.value);
  if (entry.type === 'blob') {
    const hex = Buffer.from(entry.value.subarray(0, 32)).toString('hex');
    return `${entry.value.length} bytes ${hex}${entry.value.length > 32 ? '...' : ''}`;
  }
  return entry.value.toString();
}

function printParsed(parsed: NvsParsedImage): void {
  for (const page of parsed.pages) {
    if (page.blank) {
      log(`page ${page.position}: empty`);
      continue;
    }
    log(`page ${page.position}: ${page.state}, sequence ${page.sequence}, version ${page.version}, header CRC ${page.headerCrcOk ? 'ok' : 'BAD'}`);
  }
  log('');
  for (const [index, name] of [...parsed.namespaces].sort((a, b) => a[0] - b[0])) log(`namespace ${index}: ${name}`);
  for (const entry of parsed.values) log(`${entry.namespace}:${entry.key} (${entry.type}) = ${describeValue(entry)}`);
  if (parsed.issues.length === 0) log('\nintegrity: no problems found');
}
