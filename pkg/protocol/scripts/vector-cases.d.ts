import { type VectorFile } from '../src/vectors/format';
/** Every vector file by file name. */
export declare const VECTOR_FILES: Readonly<Record<string, VectorFile>>;
