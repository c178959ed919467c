import type { SeedOptions } from './dynsec/file';
import { startEmbeddedBroker } from './embedded';
import { findMosquitto, startMosquitto } from './mosquitto';
import { BrokerKind, type BrokerOptions, type RunningBroker } from './types';

export * from './types';
export { findMosquitto, startMosquitto, mosquittoConfig, type MosquittoInstallation } from './mosquitto';
export { startEmbeddedBroker } from './embedded';
export { freePort, waitForPort } from './ports';
export { DynsecState, type Access, type CommandOutcome, type DynsecResponse } from './dynsec/state';
export { ADMIN_ROLE, adminRole, readDynsecFile, seedDynsecConfig, writeDynsecFile, type SeedAccount, type SeedOptions } from './dynsec/file';
export { hashPassword, verifyPassword, type PasswordHash } from './dynsec/password';
export { subscriptionAllowedBy, topicMatchesFilter } from './dynsec/topic-match';
export * from './dynsec/types';
export { makeTestCa, type TestCa } from './tls';

/** Which broker to start: mosquitto when installed (`auto`), or one of them explicitly. */
export type BrokerChoice = 'auto' | BrokerKind;

/**
 * Starts mosquitto with dynamic security when it is installed (or when asked), otherwise the embedded broker.
 * `notice` says which one runs and why, for the user.
 */
export async function startBroker(options: BrokerOptions & { choice?: BrokerChoice; seed?: Omit<SeedOptions, 'admin'> }): Promise<{ broker: RunningBroker; notice: string }> {
  const choice = options.choice ?? 'auto';
  if (choice === BrokerKind.Embedded) {
    return { broker: await startEmbeddedBroker(options), notice: 'embedded MQTT broker (aedes, MQTT 3.1.1, emulated mosquitto dynamic security), as asked' };
  }
  const found = findMosquitto();
  if (found.ok) {
    const broker = await startMosquitto(options);
    return { broker, notice: `mosquitto ${found.version} with the dynamic-security plugin (${found.binary})` };
  }
  if (choice === BrokerKind.Mosquitto) throw new Error(found.reason);
  return {
    broker: await startEmbeddedBroker(options),
    notice: `embedded MQTT broker (aedes, MQTT 3.1.1, emulated mosquitto dynamic security) because ${found.reason}; scripts/install.sh --test installs mosquitto`,
  };
}
