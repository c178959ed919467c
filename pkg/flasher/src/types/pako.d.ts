// Minimal typings for the part of pako 2 this package uses (pako ships no types of its own).
declare module 'pako' {
  export interface InflateOptions {
    chunkSize?: number;
  }
  export class Inflate {
    constructor(options?: InflateOptions);
    onData: (chunk: Uint8Array) => void;
    err: number;
    msg: string;
    ended: boolean;
    push(data: Uint8Array, flushMode?: boolean | number): boolean;
  }
  export function deflate(data: Uint8Array, options?: { level?: number }): Uint8Array;
}
