/** MQTT topic matching as mosquitto's dynamic-security plugin does it (lib/util_topic.c and sub_matches_sub.c). */

/** True when `topic` (a published topic name) matches the filter `filter` (`+`, `#`; `$` topics never match a leading wildcard). */
export function topicMatchesFilter(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return i === f.length - 1;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/**
 * mosquitto's `sub_acl_check`: may a client subscribe with filter `sub` under the ACL filter `acl`? Every topic
 * the subscription can match must be matched by the ACL; a `+` in the subscription only matches a `+` in the ACL.
 */
export function subscriptionAllowedBy(acl: string, sub: string): boolean {
  if (acl === '#') return true;
  const hashOf = (s: string): { levels: string[]; hash: boolean } => {
    if (s === '#') return { levels: [''], hash: true };
    if (s.endsWith('/#')) return { levels: s.slice(0, -2).split('/'), hash: true };
    return { levels: s.split('/'), hash: false };
  };
  const a = hashOf(acl);
  const s = hashOf(sub);
  if (s.hash && !a.hash) return false;
  if (a.levels.length > s.levels.length) return false;
  if (s.levels.length > a.levels.length && !a.hash) return false;
  for (let i = 0; i < s.levels.length; i++) {
    if (i < a.levels.length && (a.levels[i] === '+' || a.levels[i] === s.levels[i])) continue;
    if (i >= a.levels.length && a.hash) continue;
    return false;
  }
  return true;
}
