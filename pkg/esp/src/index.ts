export {};
export { crc32Esp } from './crc32';
export * from './nvs/index';
