export { startArtifactService, referencedBlobs, type ArtifactServiceOptions, type RunningArtifactService } from './service';
export { DEFAULT_UPLOAD_LIMITS, type UploadLimits } from './context';
export { devicePath, signedFlashScriptUrl, DEVICE_FILES } from './device-files';
export { UPLOAD_MANIFEST } from './upload-handler';
