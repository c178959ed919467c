import { NvsItemType } from './constants';
import type { NvsIntegerType } from './types';

/** Byte width and signedness of each integer type. */
export const NVS_INTEGER_TYPES: Readonly<Record<NvsIntegerType, { bytes: number; signed: boolean }>> = {
  u8: { bytes: 1, signed: false },
  i8: { bytes: 1, signed: true },
  u16: { bytes: 2, signed: false },
  i16: { bytes: 2, signed: true },
  u32: { bytes: 4, signed: false },
  i32: { bytes: 4, signed: true },
  u64: { bytes: 8, signed: false },
  i64: { bytes: 8, signed: true },
};

/** True if `name` is one of u8, i8, ... i64. */
export function isNvsIntegerType(name: string): name is NvsIntegerType {
  return Object.hasOwn(NVS_INTEGER_TYPES, name);
}

/** Inclusive range of an integer type. */
export function integerRange(type: NvsIntegerType): { min: bigint; max: bigint } {
  const { bytes, signed } = NVS_INTEGER_TYPES[type];
  const bits = BigInt(bytes * 8);
  return signed
    ? { min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n }
    : { min: 0n, max: (1n << bits) - 1n };
}

/** Item type code of an integer type. */
export function integerTypeCode(type: NvsIntegerType): number {
  return NvsItemType[type];
}

/** Integer type of an item type code, or undefined. */
export function integerTypeOfCode(code: number): NvsIntegerType | undefined {
  return (Object.keys(NVS_INTEGER_TYPES) as NvsIntegerType[]).find((t) => NvsItemType[t] === code);
}
