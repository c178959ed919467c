import type { OtaStep } from './ota';

/** Faults a virtual device can be told to have (all off by default; can change while it runs). */
export interface Faults {
  /** Commands arrive but are not carried out (logged as refused): a device that ignores the operator. */
  refuseCommands?: boolean;
  /** Drops the TCP connection without DISCONNECT this often (ms): the broker publishes the will; it reconnects. */
  dropConnectionEveryMs?: number;
  /** Crashes (reset reason `panic`, no offline message) this many ms after every boot: a reboot loop. */
  rebootLoopMs?: number;
  /** Delays every outgoing message by this many ms: a slow link. */
  slowLinkMs?: number;
  /** Corrupts outgoing payloads with this probability (0..1): flipped bytes, truncation, garbage. */
  corruptPayloads?: number;
  /** Connects with a wrong password: the broker refuses it. */
  wrongPassword?: boolean;
  /** OTA: the received signature is damaged before the check (ota/result signature-invalid). */
  otaBadSignature?: boolean;
  /** OTA: a byte of the downloaded image is flipped (sha256-mismatch). */
  otaWrongHash?: boolean;
  /** OTA: the download connection is cut once after this many bytes; the device resumes with Range. */
  otaCutAtByte?: number;
  /** OTA: every download request fails (download-failed after the device's retries). */
  otaDownloadFails?: boolean;
  /** OTA: the next OTA partition is too small (no-space). */
  otaNoSpace?: boolean;
  /** OTA: the power fails once at this step (downloading, verifying, rebooting, pending-verify) of the next update. */
  otaPowerLossAt?: OtaStep;
  /** OTA: the new image crashes right after it boots, before marking itself valid: the bootloader rolls back. */
  otaCrashAfterBoot?: boolean;
}

/** A small seeded PRNG (mulberry32) so corruption is reproducible per device. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353) ^ (h >>> 19);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One corrupted copy of `payload`: a flipped byte, a truncation, an invalid UTF-8 byte, or an added field. */
export function corrupt(payload: Uint8Array, random: () => number): Uint8Array {
  const kind = Math.floor(random() * 4);
  const out = new Uint8Array(payload);
  if (payload.length === 0) return new Uint8Array([0xff]);
  switch (kind) {
    case 0: {
      const i = Math.floor(random() * out.length);
      out[i] ^= 1 << Math.floor(random() * 8);
      return out;
    }
    case 1:
      return out.slice(0, Math.floor(random() * out.length));
    case 2: {
      out[Math.floor(random() * out.length)] = 0xc3;
      return out;
    }
    default: {
      const text = new TextDecoder().decode(payload);
      return new TextEncoder().encode(text.replace(/}\s*$/, ',"unexpected":true}'));
    }
  }
}
