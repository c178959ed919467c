import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { EspImageError, formatChipRevision, type AppImageInfo } from '@kubeflash/esp';
import { readAppImageInfoNode } from '@kubeflash/esp/node';
import { UsageError } from '@kubeflash/operator/cli';

interface InfoOptions {
  json?: boolean;
}

/** `kubeflash image info`: header, segments, checksums and app description of an ESP app or bootloader image. */
export function registerImageCommand(program: Command): void {
  const image = program.command('image').description('ESP firmware images (.bin built by ESP-IDF)');
  image
    .command('info <app.bin>')
    .description('show the image header, segments, checksum/SHA-256 verdicts and the app description')
    .option('--json', 'print JSON instead of text')
    .action((path: string, options: InfoOptions) => {
      let bin: Uint8Array;
      try {
        bin = new Uint8Array(readFileSync(path));
      } catch (err) {
        throw new UsageError(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
      }
      let info: AppImageInfo;
      try {
        info = readAppImageInfoNode(bin);
      } catch (err) {
        if (err instanceof EspImageError) throw new UsageError(`${path}: ${err.message}`);
        throw err;
      }
      process.stdout.write(options.json ? `${JSON.stringify(info, (_key, value: unknown) => value ?? null, 2)}\n` : formatImageInfo(info));
    });
}

const hex = (value: number, width = 0): string => `0x${value.toString(16).padStart(width, '0')}`;

/** The text report of `kubeflash image info`. */
export function formatImageInfo(info: AppImageInfo): string {
  const lines: string[] = [];
  const row = (label: string, value: string): void => {
    lines.push(`${`${label}:`.padEnd(20)}${value}`);
  };
  row('Chip', `${info.chipName ?? 'unknown'} (id ${info.chipId})`);
  const maxRevision = info.maxChipRevisionFull === 0 ? 'not set' : formatChipRevision(info.maxChipRevisionFull);
  row('Chip revision', `min ${formatChipRevision(info.minChipRevisionFull)}, max ${maxRevision}`);
  row('Entry point', hex(info.entryAddress, 8));
  row('Flash', `mode ${info.spiModeName ?? info.spiMode}, size ${info.flashSize ?? `nibble ${info.flashSizeNibble}`}, ` +
    `frequency ${info.flashFrequency ?? `nibble ${info.flashFrequencyNibble}`}`);
  row('Image size', `${info.imageSize} bytes${info.fileSize > info.imageSize ? ` (+${info.fileSize - info.imageSize} trailing bytes in the file)` : ''}`);
  row('Checksum', `${hex(info.checksum.stored, 2)} (${info.checksum.valid ? 'valid' : `invalid, computed ${hex(info.checksum.computed, 2)}`})`);
  row('SHA-256', info.sha256 ? `${info.sha256.stored} (${info.sha256.valid ? 'valid' : 'invalid'})` : 'not appended');
  lines.push(`Segments (${info.segmentCount}):`);
  info.segments.forEach((segment, index) => {
    lines.push(`  ${index}: load ${hex(segment.loadAddress, 8)}  length ${String(segment.length).padStart(7)}  file offset ${hex(segment.offset)}`);
  });
  const app = info.appDescription;
  if (app) {
    lines.push('App description:');
    row('  Project', app.projectName);
    row('  Version', app.version);
    row('  Secure version', String(app.secureVersion));
    row('  Compiled', `${app.date} ${app.time}`);
    row('  ESP-IDF', app.idfVersion);
    row('  ELF SHA-256', app.appElfSha256);
  } else if (info.bootloaderDescription) {
    const boot = info.bootloaderDescription;
    lines.push('Bootloader description:');
    row('  Version', String(boot.version));
    row('  ESP-IDF', boot.idfVersion);
    row('  Compiled', boot.dateTime);
  } else {
    lines.push('App description:    none (not an app image, e.g. a bootloader)');
  }
  return `${lines.join('\n')}\n`;
}
