// The artifact service: content-addressed storage (filesystem, S3), uploads, signing, signed URLs, HTTP.
export * from './store/index';
export * from './service/index';
export * from './signing';
export { ensureSigningKey } from './signing-store';
export * from './signed-url';
export { ensureUrlKey, URL_KEY_SECRET, URL_KEY_DATA } from './url-key';
export { newUploadToken, consumeUploadToken, UPLOAD_TOKEN_LABEL, UPLOAD_TOKEN_KEY, UPLOAD_GENERATION_ANNOTATION } from './upload/token';
export { writeTar, readTar, type TarInput } from './upload/tar';
export { buildDemoFirmware, DEMO_PARTITIONS_CSV, DEMO_MARKER, type DemoBuild } from './demo-build';
export { filesFromBuildDir, filesFromManifest, filesFromImage, postUpload, type UploadFiles, type UploadResult } from './client';
export { DEFAULT_BUILDER_SETTINGS, type BuilderSettings } from '../controllers/firmware/job';
