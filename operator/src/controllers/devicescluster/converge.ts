import { deviceId } from '@kubeflash/protocol';
import { deviceRoleName, operatorRoleName, operatorUsername } from '../../mqtt/accounts';
import type { Logger } from '../../manager/logger';
import type { BrokerSession } from '../../mqtt/session';

/**
 * After a session listed the broker's accounts: deletes the accounts (and roles) marked as this cluster's whose
 * Device no longer exists, and roles of this cluster that no account holds. Accounts kubeflash did not create
 * are never touched; creating missing accounts and fixing drifted ones is the Device controller's job (every
 * device of the cluster is queued after this).
 */
export async function removeOrphanAccounts(session: BrokerSession, devices: Iterable<{ namespace: string; name: string }>, logger?: Logger): Promise<number> {
  const cluster = session.cluster;
  const valid = new Set<string>([operatorUsername(cluster)]);
  for (const d of devices) valid.add(deviceId(d.namespace, d.name));
  let removed = 0;
  for (const account of session.managedAccounts()) {
    if (valid.has(account.username)) continue;
    const result = await session.removeAccount(account.username, account.rolenames[0] ?? deviceRoleName(account.username));
    if (result.ok) {
      removed++;
      logger?.info('removed an orphaned broker account (its Device is gone)', { cluster: `${cluster.namespace}/${cluster.name}`, account: account.username });
    }
  }
  const held = new Set([...valid].map((u) => (u === operatorUsername(cluster) ? operatorRoleName(cluster) : deviceRoleName(u))));
  for (const role of session.unusedManagedRoles()) {
    if (held.has(role)) continue;
    await session.removeRole(role);
    logger?.info('removed an orphaned broker role', { cluster: `${cluster.namespace}/${cluster.name}`, role });
  }
  return removed;
}
