import type { V1Secret } from '@kubernetes/client-node';
import { buildSigningKeySecret, generateSigningKey } from '../../artifacts/signing';

/** What the signing key controller reads for one namespace. */
export interface SigningKeyInputs {
  namespace: string;
  /** DevicesClusters in the namespace: a fleet lives there, so its devices need ota_pubkey. */
  clusters: number;
  /** The signing key Secret exists (it is created once and never replaced). */
  hasKey: boolean;
}

/** The signing key Secret to create, or undefined when none is needed (pure apart from the key's randomness). */
export function desiredSigningKey(inputs: SigningKeyInputs): V1Secret | undefined {
  if (inputs.hasKey || inputs.clusters === 0) return undefined;
  return buildSigningKeySecret(inputs.namespace, generateSigningKey());
}
