/** Stages of a flash run, in order. */
export const FLASH_STAGES = ['connecting', 'preparing', 'erasing', 'writing', 'verifying', 'resetting', 'done'] as const;

/** One stage. */
export type FlashStage = (typeof FLASH_STAGES)[number];

/** A progress report, emitted at every stage change and after every written block. */
export interface FlashProgress {
  stage: FlashStage;
  /** Name of the region being written or verified. */
  region?: string;
  /** Bytes (uncompressed) written so far over all regions. */
  bytesWritten: number;
  /** Bytes (uncompressed) of all regions. */
  totalBytes: number;
  /** 0..100; 100 only once the device has been verified and reset. */
  percent: number;
}
