export { crc32Esp } from './crc32';
export * from './nvs/index';
export * from './partition/index';
export * from './image/index';
