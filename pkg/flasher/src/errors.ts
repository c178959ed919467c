/** Machine-readable codes of every flasher failure. */
export const FlashErrorCode = {
  INVALID_PLAN: 'INVALID_PLAN',
  PORT_BUSY: 'PORT_BUSY',
  PORT_UNAVAILABLE: 'PORT_UNAVAILABLE',
  NO_RESPONSE: 'NO_RESPONSE',
  WRONG_CHIP: 'WRONG_CHIP',
  FLASH_TOO_SMALL: 'FLASH_TOO_SMALL',
  WRITE_FAILED: 'WRITE_FAILED',
  VERIFY_MISMATCH: 'VERIFY_MISMATCH',
  DISCONNECTED: 'DISCONNECTED',
  CANCELLED: 'CANCELLED',
  DEVICE_ERROR: 'DEVICE_ERROR',
} as const;

/** One error code. */
export type FlashErrorCode = (typeof FlashErrorCode)[keyof typeof FlashErrorCode];

/** Base class of every error `flashDevice` and the plan builder throw. */
export class FlashError extends Error {
  /**
   * @param code what went wrong, for programs
   * @param message what went wrong, for people
   * @param userAction what the person should do about it
   */
  constructor(
    readonly code: FlashErrorCode,
    message: string,
    readonly userAction: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The plan (or the manifest, images or config it was built from) cannot be flashed. */
export class InvalidPlanError extends FlashError {
  constructor(message: string, userAction = 'Check the firmware build and the device configuration, then try again.') {
    super(FlashErrorCode.INVALID_PLAN, message, userAction);
  }
}

/** Another program holds the serial port. */
export class PortBusyError extends FlashError {
  constructor(cause?: unknown) {
    super(
      FlashErrorCode.PORT_BUSY,
      'The serial port could not be opened: it is in use.',
      'Close any other program using this port (serial monitor, idf.py monitor, another browser tab or window), then try again.',
      { cause },
    );
  }
}

/** The serial port does not exist or may not be opened by this user. */
export class PortUnavailableError extends FlashError {
  constructor(reason: 'missing' | 'permission', detail: string, cause?: unknown) {
    super(
      FlashErrorCode.PORT_UNAVAILABLE,
      reason === 'missing' ? `The serial port does not exist (${detail}).` : `No permission to open the serial port (${detail}).`,
      reason === 'missing'
        ? 'Check that the board is plugged in with a data cable and pick its port again (Linux: /dev/ttyUSB0 or /dev/ttyACM0).'
        : 'On Linux add your user to the "dialout" group (sudo usermod -aG dialout $USER) and log in again; on macOS/Windows close other programs using the port.',
      { cause },
    );
  }
}

/** The chip never answered the ROM loader's SYNC. */
export class NoResponseError extends FlashError {
  constructor(detail: string, cause?: unknown) {
    super(
      FlashErrorCode.NO_RESPONSE,
      `The board did not answer (${detail}).`,
      'Put the board into download mode by hand: hold the BOOT button, press and release RESET (EN), then release BOOT, and try again. ' +
        'Also check that the USB cable carries data (not a charge-only cable).',
      { cause },
    );
  }
}

/** The connected chip is not the one the firmware is built for. */
export class WrongChipError extends FlashError {
  constructor(
    readonly expected: string,
    readonly detected: string,
  ) {
    super(
      FlashErrorCode.WRONG_CHIP,
      `This board is an ${detected}, but the firmware is built for ${expected}. Nothing was written.`,
      `Connect an ${expected} board, or flash this board from a device whose class uses the ${detected} chip.`,
    );
  }
}

/** The plan does not fit into the board's flash. */
export class FlashTooSmallError extends FlashError {
  constructor(
    readonly flashSize: number,
    readonly needed: number,
  ) {
    super(
      FlashErrorCode.FLASH_TOO_SMALL,
      `The firmware needs ${formatSize(needed)} of flash, but the board has only ${formatSize(flashSize)}. Nothing was written.`,
      'Use a board with more flash, or a firmware build with a smaller partition table.',
    );
  }
}

/** Something failed while writing a region. `region` names it. */
export class WriteFailedError extends FlashError {
  constructor(
    readonly region: string,
    readonly offset: number,
    detail: string,
    cause?: unknown,
  ) {
    super(
      FlashErrorCode.WRITE_FAILED,
      `Writing ${region} at ${hex(offset)} failed: ${detail}.`,
      `The board rejected the data of ${region} several times; the region is incomplete and the board was left in download mode. ` +
        'Use a shorter or better USB cable, try a lower baud rate, and run the install again.',
      { cause },
    );
  }
}

/** The MD5 the chip computed over a region differs from the data sent. */
export class VerifyMismatchError extends FlashError {
  constructor(
    readonly region: string,
    readonly offset: number,
    readonly expectedMd5?: string,
    readonly actualMd5?: string,
  ) {
    super(
      FlashErrorCode.VERIFY_MISMATCH,
      `Verification failed for ${region} at ${hex(offset)}: the flash does not hold the data that was written.`,
      `The board was left in download mode and not restarted. Run the install again; if ${region} fails again, ` +
        'the flash chip may be worn or the power supply unstable: try another USB port or cable, or another board.',
    );
  }
}

/** The USB link disappeared. `region` is the region that was being written, if any. */
export class DisconnectedError extends FlashError {
  constructor(
    readonly stage: string,
    readonly region: string | undefined,
    readonly completedRegions: string[],
    cause?: unknown,
  ) {
    const done = completedRegions.length > 0 ? ` Written and verified before that: ${completedRegions.join(', ')}.` : '';
    super(
      FlashErrorCode.DISCONNECTED,
      region
        ? `The board was disconnected while ${region} was being written; ${region} is incomplete.${done}`
        : `The board was disconnected while ${stage}.${done}`,
      region
        ? `The board will not start correctly until ${region} is written again. Reconnect it and run the same install again ` +
            '(if it is not detected, hold BOOT and press RESET while plugging it in).'
        : 'Reconnect the board and try again.',
      { cause },
    );
  }
}

/** The caller aborted the run. */
export class FlashCancelledError extends FlashError {
  constructor(
    readonly stage: string,
    readonly region: string | undefined,
  ) {
    super(
      FlashErrorCode.CANCELLED,
      region ? `Flashing was cancelled while ${region} was being written.` : `Flashing was cancelled (${stage}).`,
      region
        ? `${region} is incomplete, so the board may not start. It was left in download mode: run the install again before using it.`
        : 'Nothing was written. Start again when ready.',
    );
  }
}

/** Any other failure reported by esptool-js or the chip. */
export class DeviceError extends FlashError {
  constructor(stage: string, detail: string, cause?: unknown) {
    super(
      FlashErrorCode.DEVICE_ERROR,
      `Flashing failed while ${stage}: ${detail}`,
      'Press RESET on the board, reconnect it and try again. If it keeps failing, try a lower baud rate or another USB cable.',
      { cause },
    );
  }
}

/** `0x10000`-style hex. */
export function hex(value: number): string {
  return `0x${value.toString(16)}`;
}

function formatSize(bytes: number): string {
  return bytes >= 0x100000 && bytes % 0x100000 === 0 ? `${bytes / 0x100000} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
