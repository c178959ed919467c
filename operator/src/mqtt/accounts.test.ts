import { credentialFingerprint, deviceAccount, operatorAccount, ownerMarker, parseMarker, planAccount, toDynsecAcls, type BrokerClient, type BrokerRole } from './accounts';

const cluster = { namespace: 'home', name: 'site', topicPrefix: 'kf' };
const desired = deviceAccount(cluster, { namespace: 'home', name: 'temp-1' }, 'password-1');
const asListed = (acls = desired.acls, description = ownerMarker(cluster)): BrokerRole => ({ rolename: desired.rolename, textdescription: description, acls });
const client = (over: Partial<BrokerClient> = {}): BrokerClient => ({ username: desired.username, textdescription: desired.textdescription, roles: [{ rolename: desired.rolename, priority: 1 }], ...over });
const commands = (plan: ReturnType<typeof planAccount>) => (plan.kind === 'commands' ? plan.commands.map((c) => [c.command, ...Object.keys(c).filter((k) => !['command', 'username', 'rolename'].includes(k)).sort()].join(' ')) : plan.message);

describe('broker accounts', () => {
  it('gives a device a role that allows exactly its own subtree, first match first', () => {
    expect(desired).toMatchObject({ username: 'home.temp-1', rolename: 'kubeflash-device.home.temp-1', password: 'password-1' });
    expect(desired.acls).toEqual([
      { acltype: 'subscribePattern', topic: 'kf/devices/home.temp-1/cmd/#', priority: 4, allow: true },
      { acltype: 'publishClientReceive', topic: 'kf/devices/home.temp-1/cmd/#', priority: 3, allow: true },
      { acltype: 'publishClientSend', topic: 'kf/devices/home.temp-1/cmd/#', priority: 2, allow: false },
      { acltype: 'publishClientSend', topic: 'kf/devices/home.temp-1/#', priority: 1, allow: true },
    ]);
    expect(operatorAccount(cluster, 'p').username).toBe('kubeflash_operator.home.site');
    expect(toDynsecAcls([{ action: 'receive', topic: 't', allow: true }])).toEqual([{ acltype: 'publishClientReceive', topic: 't', priority: 1, allow: true }]);
  });

  it('marks what it creates with the cluster and a password fingerprint that is not the password', () => {
    expect(parseMarker(desired.textdescription)).toEqual({ cluster: 'home/site', fingerprint: credentialFingerprint('home.temp-1', 'password-1') });
    expect(desired.textdescription).not.toContain('password-1');
    expect(credentialFingerprint('home.temp-1', 'password-2')).not.toBe(credentialFingerprint('home.temp-1', 'password-1'));
    expect(parseMarker('made by hand')).toBeUndefined();
  });

  it.each([
    ['nothing exists: role with its ACLs, then the client with password and role', undefined, undefined, ['createRole acls textdescription textname', 'createClient password roles textdescription textname']],
    ['everything matches: no commands', client(), asListed(), []],
    ['the role ACLs drifted (order does not matter, content does)', client(), asListed([...desired.acls.slice(1), { ...desired.acls[0], topic: '#' }]), ['modifyRole acls']],
    ['the same ACLs in another order are not drift', client(), asListed([...desired.acls].reverse()), []],
    ['the password changed (rotation): new password and fingerprint', client({ textdescription: `${ownerMarker(cluster)}; credentials 0000000000000000` }), asListed(), ['modifyClient password textdescription']],
    ['someone added a role to the client', client({ roles: [{ rolename: desired.rolename }, { rolename: 'admin' }] }), asListed(), ['modifyClient roles']],
    ['a client of that name made by someone else', client({ textdescription: undefined }), asListed(), 'the broker already has an account home.temp-1 that kubeflash did not create (its description is not "managed by kubeflash-operator for DevicesCluster home/site"); delete it to let kubeflash manage it'],
    ['a client of another DevicesCluster', client({ textdescription: `${ownerMarker({ namespace: 'home', name: 'other' })}; credentials x` }), asListed(), expect.stringContaining('kubeflash did not create')],
    ['a role of that name made by someone else', undefined, asListed(desired.acls, 'hand made'), expect.stringContaining('the broker already has a role kubeflash-device.home.temp-1 that kubeflash did not create')],
  ])('%s', (_s, c, r, expected) => {
    expect(commands(planAccount(cluster, desired, c, r))).toEqual(expected);
  });
});
