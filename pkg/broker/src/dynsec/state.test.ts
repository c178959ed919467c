import { AclType, DynsecState, hashPassword, seedDynsecConfig, subscriptionAllowedBy, topicMatchesFilter } from '../index';

describe('topic matching as mosquitto does it', () => {
  it.each([
    ['a/+/c', 'a/b/c', true],
    ['a/#', 'a', true],
    ['a/#', 'a/b/c', true],
    ['#', '$SYS/x', false],
    ['+/x', '$CONTROL/x', false],
    ['$CONTROL/#', '$CONTROL/dynamic-security/v1', true],
    ['a/b', 'a/b/c', false],
    ['a/+', 'a', false],
  ])('filter %s matches topic %s: %s', (filter, topic, expected) => {
    expect(topicMatchesFilter(filter, topic)).toBe(expected);
  });

  it.each([
    ['kf/devices/d1/cmd/#', 'kf/devices/d1/cmd/#', true],
    ['kf/devices/d1/cmd/#', 'kf/devices/d1/cmd/ota', true],
    ['kf/devices/d1/cmd/#', 'kf/devices/+/cmd/#', false],
    ['kf/devices/d1/cmd/#', 'kf/devices/d1/#', false],
    ['kf/devices/d1/cmd/#', '#', false],
    ['kf/devices/+/status', 'kf/devices/+/status', true],
    ['kf/devices/+/status', 'kf/devices/d1/status', true],
    ['kf/devices/+/status', 'kf/devices/#', false],
    ['#', '$CONTROL/#', true],
  ])('ACL %s allows subscribing to %s: %s', (acl, sub, expected) => {
    expect(subscriptionAllowedBy(acl, sub)).toBe(expected);
  });
});

describe('DynsecState', () => {
  const admin = { username: 'admin', password: 'admin-pass' };
  const state = () => new DynsecState(seedDynsecConfig({ admin }));

  it('authenticates with PBKDF2-SHA512 passwords as mosquitto stores them', () => {
    const s = state();
    expect(s.authenticate('admin', 'admin-pass')).toBe(true);
    expect(s.authenticate('admin', 'wrong')).toBe(false);
    expect(s.authenticate('nobody', 'admin-pass')).toBe(false);
    const h = hashPassword('x', Buffer.alloc(12, 1), 101);
    expect(h.salt).toBe('AQEBAQEBAQEBAQEB');
    expect(Buffer.from(h.password, 'base64')).toHaveLength(64);
  });

  it('runs the commands kubeflash sends and answers like mosquitto, errors included', () => {
    const s = state();
    const out = s.run([
      { command: 'createRole', rolename: 'r', acls: [{ acltype: 'publishClientSend', topic: 'a/#', priority: 1, allow: true }], correlationData: '1' },
      { command: 'createClient', username: 'u', password: 'p', roles: [{ rolename: 'r' }], textdescription: 'mine', correlationData: '2' },
      { command: 'createClient', username: 'u', password: 'p', correlationData: '3' },
      { command: 'createClient', username: 'v', password: 'p', roles: [{ rolename: 'missing' }], correlationData: '4' },
      { command: 'listClients', verbose: true, correlationData: '5' },
      { command: 'groupsAreNotEmulated', correlationData: '6' },
    ]);
    expect(out.responses.map((r) => [r.command, r.error ?? 'ok'])).toEqual([
      ['createRole', 'ok'],
      ['createClient', 'ok'],
      ['createClient', 'Client already exists'],
      ['createClient', 'Role not found'],
      ['listClients', 'ok'],
      ['groupsAreNotEmulated', 'Unknown command'],
    ]);
    expect(out.responses[4].data).toMatchObject({ totalCount: 2, clients: [{ username: 'admin' }, { username: 'u', textdescription: 'mine', roles: [{ rolename: 'r' }] }] });
    expect(out.changed).toBe(true);
    expect(s.authenticate('u', 'p')).toBe(true);
  });

  it('decides ACLs as mosquitto: role ACLs by priority, first match, default deny, $CONTROL never by default', () => {
    const s = new DynsecState(seedDynsecConfig({
      admin,
      defaultACLAccess: { publishClientSend: true, publishClientReceive: true, subscribe: true, unsubscribe: true },
      accounts: [{ username: 'd', password: 'p', roles: ['dev'] }],
      roles: [{ rolename: 'dev', acls: [
        { acltype: AclType.PublishClientSend, topic: 'kf/devices/d/cmd/#', priority: 2, allow: false },
        { acltype: AclType.PublishClientSend, topic: 'kf/devices/d/#', priority: 1, allow: true },
        { acltype: AclType.SubscribePattern, topic: 'kf/devices/d/cmd/#', priority: 1, allow: true },
      ] }],
    }));
    expect(s.allowed('d', 'publish', 'kf/devices/d/status')).toBe(true);
    expect(s.allowed('d', 'publish', 'kf/devices/d/cmd/reboot')).toBe(false);
    expect(s.allowed('d', 'subscribe', 'kf/devices/d/cmd/#')).toBe(true);
    // Not matched by any ACL: the (here permissive) default, except $CONTROL.
    expect(s.allowed('d', 'publish', 'elsewhere')).toBe(true);
    expect(s.allowed('d', 'publish', '$CONTROL/dynamic-security/v1')).toBe(false);
    expect(s.allowed('admin', 'publish', '$CONTROL/dynamic-security/v1')).toBe(true);
  });

  it('names the clients to disconnect when their account or role changes', () => {
    const s = new DynsecState(seedDynsecConfig({ admin, accounts: [{ username: 'd', password: 'p', roles: ['dev'] }], roles: [{ rolename: 'dev', acls: [] }] }));
    expect([...s.run([{ command: 'modifyRole', rolename: 'dev', acls: [] }]).kick]).toEqual(['d']);
    expect([...s.run([{ command: 'setClientPassword', username: 'd', password: 'q' }]).kick]).toEqual(['d']);
    expect([...s.run([{ command: 'deleteClient', username: 'd' }]).kick]).toEqual(['d']);
    expect(s.authenticate('d', 'q')).toBe(false);
  });
});
