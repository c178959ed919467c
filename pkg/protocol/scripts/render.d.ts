/** The package folder (pkg/protocol). */
export declare const PACKAGE_ROOT: string;
/** Every generated file: path relative to the package root -> content. */
export declare function renderFiles(): Map<string, string | Buffer>;
