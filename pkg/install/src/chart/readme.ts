// The generated sections of charts/kubeflash/README.md: every value, the operator's grants and the user roles,
// each between `<!-- generated:<name> -->` and `<!-- /generated:<name> -->`. The prose around them is written by hand.
import { COMPONENTS, PARTS } from '../components/index';
import { GrantScope, type OperatorGrant } from '../components/component';
import { USER_ROLES } from '../components/user-roles';
import { conditionPaths, type Condition } from '../template/expr';
import { documentedValues } from '../template/values-schema';
import { VALUES_SCHEMA } from '../values';

const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string): string => (text === '' ? '' : `\`${text}\``);

function valuesTable(): string {
  const rows = documentedValues(VALUES_SCHEMA).map((v) => `| \`${v.path}\` | ${cell(v.type)} | ${code(cell(JSON.stringify(v.default ?? null)))} | ${cell(v.description)} |`);
  return ['| value | type | default | description |', '|---|---|---|---|', ...rows].join('\n');
}

function conditionText(c: Condition | undefined): string {
  if (!c) return 'always';
  if ('truthy' in c) return `\`${c.truthy}\``;
  if ('not' in c) return `not (${conditionText(c.not)})`;
  if ('or' in c) return c.or.map(conditionText).join(' or ');
  return c.and.map(conditionText).join(' and ');
}

const SCOPE_TEXT: Record<string, string> = {
  [GrantScope.Watched]: 'watched namespaces (Role in each listed namespace; ClusterRole only when watching all)',
  [GrantScope.Own]: 'the operator\'s namespace (Role)',
  [GrantScope.Cluster]: 'cluster-scoped, by name (ClusterRole)',
};

function grantsTable(): string {
  const grants: { component: string; grant: OperatorGrant }[] = PARTS.flatMap((c) => (c.operatorGrants ?? []).map((grant) => ({ component: c.name, grant })));
  const rows = grants.map(({ component, grant }) => {
    const r = grant.rule;
    const groups = r.apiGroups.map((g) => (g === '' ? 'core' : g)).join(', ');
    const names = (r.resourceNames ?? []).map((n) => (typeof n === 'string' ? n : '?')).join(', ');
    return `| ${component} | ${SCOPE_TEXT[grant.scope]} | ${groups} | ${r.resources.join(', ')} | ${r.verbs.join(', ')} | ${names || 'any'} | ${cell(grant.reason)} | ${conditionText(grant.when)} |`;
  });
  return ['| for | where | API group | resources | verbs | names | why | when |', '|---|---|---|---|---|---|---|---|', ...rows].join('\n');
}

function rolesTable(): string {
  const rows = USER_ROLES.map((role) => {
    const rules = role.rules
      .map((r) => `${r.resources.join(', ')} (${r.apiGroups.map((g) => (g === '' ? 'core' : g)).join(', ')}): ${r.verbs.join(', ')}`)
      .join('<br>');
    const aggregated = role.aggregateTo.length ? role.aggregateTo.map((t) => `\`${t}\``).join(', ') : '—';
    return `| \`${role.name}\` | ${cell(role.summary)} | ${rules} | ${aggregated} |`;
  });
  return ['| ClusterRole | who it is for | rules | aggregated into |', '|---|---|---|---|', ...rows].join('\n');
}

/** Sections by marker name. */
export function readmeSections(): Record<string, string> {
  return { values: valuesTable(), 'operator-rbac': grantsTable(), 'user-roles': rolesTable() };
}

/** `readme` with every generated section replaced; throws when a marker pair is missing. */
export function chartReadme(readme: string): string {
  let out = readme;
  for (const [name, body] of Object.entries(readmeSections())) {
    const start = `<!-- generated:${name} -->`;
    const end = `<!-- /generated:${name} -->`;
    const from = out.indexOf(start);
    const to = out.indexOf(end);
    if (from < 0 || to < from) throw new Error(`charts/kubeflash/README.md needs the markers ${start} and ${end} (in that order)`);
    out = `${out.slice(0, from + start.length)}\n${body}\n${out.slice(to)}`;
  }
  return out;
}

/** Every values path named by the operator grants' conditions (checked against the schema by a test). */
export function grantConditionPaths(): string[] {
  return COMPONENTS.flatMap((c) => (c.operatorGrants ?? []).flatMap((g) => (g.when ? conditionPaths(g.when) : [])));
}
