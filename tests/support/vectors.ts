// The ESP golden vectors live in the repository (pkg/esp/test/vectors); integration suites keep this import path.
export { espVectorsDir as vectorsDir } from '@kubeflash/esp/test-vectors';
