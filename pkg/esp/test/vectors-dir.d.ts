/**
 * The ESP golden vectors kept in this repository (pkg/esp/test/vectors: NVS images, partition tables, ESP
 * image files; see its README.md). Tests, benches and tools read them only through this module, so a fresh
 * clone needs nothing beside it.
 */
export declare function espVectorsDir(): string;
/** Path of one vector file or folder, e.g. `espVectorPath('nvs', '01a_config', 'output.bin')`. */
export declare function espVectorPath(...parts: string[]): string;
