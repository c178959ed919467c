export * from './types';
export { stageStream, discardStaged, cleanStaging } from './staging';
export { FileSystemBlobStore, openFileSystemStore } from './fs-store';
export { S3BlobStore, openS3Store, type S3StoreOptions } from './s3-store';
export { collectGarbage, type GcResult } from './gc';
