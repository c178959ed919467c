// esptool-js is imported lazily: pages that never flash never download it.
type EsptoolModule = typeof import('esptool-js');

let loading: Promise<EsptoolModule> | undefined;

/** Loads esptool-js on first use (one shared dynamic import). */
export function loadEsptool(): Promise<EsptoolModule> {
  loading ??= import('esptool-js');
  return loading;
}
