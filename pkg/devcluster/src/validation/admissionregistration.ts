/**
 * Defaults and validation of admissionregistration.k8s.io/v1 ValidatingWebhookConfiguration and
 * MutatingWebhookConfiguration, with kube-apiserver's field paths and texts
 * (pkg/apis/admissionregistration/v1/defaults.go, pkg/apis/admissionregistration/validation and
 * k8s.io/apiserver pkg/util/webhook of kubernetes/kubernetes). matchConditions (CEL) are not checked.
 */
import type { StatusCause } from '../errors';
import { duplicate, invalid, notSupported, required } from '../schema/field-errors';
import type { KObject } from '../store';
import { validateLabelSelector } from './batch';

type Obj = Record<string, unknown>;

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS_1035_MESSAGE =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const URL_FORM = '; desired format: https://host[/path]';

/** AcceptedAdmissionReviewVersions */
const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const NO_SIDE_EFFECTS = ['None', 'NoneOnDryRun'];
const SIDE_EFFECTS = ['None', 'NoneOnDryRun', 'Some', 'Unknown'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function hooksOf(obj: KObject | undefined): Obj[] {
  return list(obj?.webhooks).filter(isMap);
}

/** SetDefaults_ValidatingWebhook / SetDefaults_MutatingWebhook, SetDefaults_Rule, SetDefaults_ServiceReference. */
function webhookDefaults(hook: Obj, mutating: boolean): void {
  hook.failurePolicy ??= 'Fail';
  hook.matchPolicy ??= 'Equivalent';
  hook.namespaceSelector ??= {};
  hook.objectSelector ??= {};
  hook.timeoutSeconds ??= 10;
  if (mutating) hook.reinvocationPolicy ??= 'Never';
  for (const rule of list(hook.rules)) if (isMap(rule)) rule.scope ??= '*';
  const service = isMap(hook.clientConfig) ? hook.clientConfig.service : undefined;
  if (isMap(service)) service.port ??= 443;
}

export const validatingWebhookDefaults = (obj: KObject): void => hooksOf(obj).forEach((h) => webhookDefaults(h, false));
export const mutatingWebhookDefaults = (obj: KObject): void => hooksOf(obj).forEach((h) => webhookDefaults(h, true));

/** What a configuration must satisfy; an update is held only to the rules its old object already met. */
interface Options {
  requireNoSideEffects: boolean;
  requireRecognizedReviewVersion: boolean;
  requireUniqueNames: boolean;
}

function optionsFor(old: KObject | undefined): Options {
  if (!old) return { requireNoSideEffects: true, requireRecognizedReviewVersion: true, requireUniqueNames: true };
  const hooks = hooksOf(old);
  const names = hooks.map((h) => h.name);
  return {
    requireNoSideEffects: hooks.every((h) => NO_SIDE_EFFECTS.includes(String(h.sideEffects))),
    requireRecognizedReviewVersion: hooks.every((h) => {
      const versions = list(h.admissionReviewVersions);
      return versions.length === 0 || versions.some((v) => REVIEW_VERSIONS.includes(String(v)));
    }),
    requireUniqueNames: new Set(names).size === names.length,
  };
}

/** utilvalidation.IsFullyQualifiedName */
function fullyQualifiedName(name: string, path: string): StatusCause[] {
  if (name === '') return [required(path)];
  const problems: string[] = [];
  if (name.length > 253) problems.push('must be no more than 253 characters');
  if (!DNS_SUBDOMAIN.test(name)) problems.push(SUBDOMAIN_MESSAGE);
  if (problems.length) return [invalid(path, name, problems.join(','))];
  if (name.split('.').length < 3) return [invalid(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

function hasWildcard(values: unknown[]): boolean {
  return values.includes('*');
}

/** validateResources (subresources allowed). */
function validateResources(resources: unknown[], path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (resources.length === 0) causes.push(required(path));
  const wildcardSubresourceOf = new Set<string>();
  const wildcardResourceFor = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let withoutSubresource = false;
  resources.forEach((entry, i) => {
    const resSub = String(entry ?? '');
    if (resSub === '') {
      causes.push(required(`${path}[${i}]`));
      return;
    }
    if (resSub === '*/*') doubleWildcard = true;
    if (resSub === '*') singleWildcard = true;
    const slash = resSub.indexOf('/');
    if (slash < 0) {
      withoutSubresource = resSub !== '*';
      return;
    }
    const res = resSub.slice(0, slash);
    const sub = resSub.slice(slash + 1);
    if (wildcardSubresourceOf.has(res)) causes.push(invalid(`${path}[${i}]`, resSub, `if '${res}/*' is present, must not specify ${resSub}`));
    if (wildcardResourceFor.has(sub)) causes.push(invalid(`${path}[${i}]`, resSub, `if '*/${sub}' is present, must not specify ${resSub}`));
    if (sub === '*') wildcardSubresourceOf.add(res);
    if (res === '*') wildcardResourceFor.add(sub);
  });
  if (resources.length > 1 && doubleWildcard) causes.push(invalid(path, resources, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && withoutSubresource) causes.push(invalid(path, resources, "if '*' is present, must not specify other resources without subresources"));
  return causes;
}

/** validateRuleWithOperations and validateRule. */
function validateRule(rule: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  const operations = list(rule.operations);
  if (operations.length === 0) causes.push(required(`${path}.operations`));
  if (operations.length > 1 && hasWildcard(operations)) causes.push(invalid(`${path}.operations`, operations, "if '*' is present, must not specify other operations"));
  operations.forEach((op, i) => {
    if (!OPERATIONS.includes(String(op))) causes.push(notSupported(`${path}.operations[${i}]`, op, OPERATIONS));
  });
  const groups = list(rule.apiGroups);
  if (groups.length === 0) causes.push(required(`${path}.apiGroups`));
  if (groups.length > 1 && hasWildcard(groups)) causes.push(invalid(`${path}.apiGroups`, groups, "if '*' is present, must not specify other API groups"));
  const versions = list(rule.apiVersions);
  if (versions.length === 0) causes.push(required(`${path}.apiVersions`));
  if (versions.length > 1 && hasWildcard(versions)) causes.push(invalid(`${path}.apiVersions`, versions, "if '*' is present, must not specify other API versions"));
  versions.forEach((v, i) => {
    if (v === '' || v === null) causes.push(required(`${path}.apiVersions[${i}]`));
  });
  causes.push(...validateResources(list(rule.resources), `${path}.resources`));
  if (rule.scope !== undefined && rule.scope !== null && !SCOPES.includes(String(rule.scope))) causes.push(notSupported(`${path}.scope`, rule.scope, SCOPES));
  return causes;
}

/** validateAdmissionReviewVersions */
function validateReviewVersions(versions: unknown[], requireRecognized: boolean, path: string): StatusCause[] {
  if (versions.length === 0) return [required(path, `must specify one of ${REVIEW_VERSIONS.join(', ')}`)];
  const causes: StatusCause[] = [];
  const seen = new Set<string>();
  versions.forEach((entry, i) => {
    const v = String(entry ?? '');
    if (seen.has(v)) {
      causes.push(invalid(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    if (v.length > 63) causes.push(invalid(`${path}[${i}]`, v, 'must be no more than 63 characters'));
    if (!DNS_1035_LABEL.test(v)) causes.push(invalid(`${path}[${i}]`, v, DNS_1035_MESSAGE));
  });
  if (requireRecognized && !versions.some((v) => REVIEW_VERSIONS.includes(String(v)))) {
    causes.push(invalid(path, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`));
  }
  return causes;
}

/** The parts of a URL that Go's url.Parse yields and ValidateWebhookURL checks, or its parse error. */
function parseGoUrl(raw: string): { scheme: string; host: string; user?: string; fragment: string; query: string } | { error: string } {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) return { error: `parse ${JSON.stringify(raw)}: net/url: invalid control character in URL` };
  const hash = raw.indexOf('#');
  const fragment = hash >= 0 ? raw.slice(hash + 1) : '';
  let rest = hash >= 0 ? raw.slice(0, hash) : raw;
  let scheme = '';
  const schemeEnd = /^[a-zA-Z][a-zA-Z0-9+.-]*:/.exec(rest);
  if (rest.startsWith(':')) return { error: `parse ${JSON.stringify(raw)}: missing protocol scheme` };
  if (schemeEnd) {
    scheme = schemeEnd[0].slice(0, -1).toLowerCase();
    rest = rest.slice(schemeEnd[0].length);
  }
  const q = rest.indexOf('?');
  const query = q >= 0 ? rest.slice(q + 1) : '';
  if (q >= 0) rest = rest.slice(0, q);
  if (!rest.startsWith('//')) return { scheme, host: '', fragment, query };
  const authorityEnd = rest.indexOf('/', 2);
  const authority = authorityEnd >= 0 ? rest.slice(2, authorityEnd) : rest.slice(2);
  const at = authority.lastIndexOf('@');
  return { scheme, host: at >= 0 ? authority.slice(at + 1) : authority, user: at >= 0 ? authority.slice(0, at) : undefined, fragment, query };
}

/** webhook.ValidateWebhookURL with forceHttps. */
function validateUrl(raw: string, path: string): StatusCause[] {
  const u = parseGoUrl(raw);
  if ('error' in u) return [required(path, `url must be a valid URL: ${u.error}${URL_FORM}`)];
  const causes: StatusCause[] = [];
  if (u.scheme !== 'https') causes.push(invalid(path, u.scheme, `'https' is the only allowed URL scheme${URL_FORM}`));
  if (u.host === '') causes.push(invalid(path, u.host, `host must be provided${URL_FORM}`));
  if (u.user !== undefined) causes.push(invalid(path, u.user, 'user information is not permitted in the URL'));
  if (u.fragment !== '') causes.push(invalid(path, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query !== '') causes.push(invalid(path, u.query, 'query parameters are not permitted in the URL'));
  return causes;
}

/**
 * webhook.ValidateWebhookService. kube-apiserver passes the service's name where the function expects
 * the namespace and the other way round, so a missing namespace is reported at `.name` and vice versa.
 */
function validateService(service: Obj, path: string): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!service.namespace) causes.push(required(`${path}.name`, 'service name is required'));
  if (!service.name) causes.push(required(`${path}.namespace`, 'service namespace is required'));
  const port = typeof service.port === 'number' ? service.port : 443;
  if (!(port >= 1 && port <= 65535)) causes.push(invalid(`${path}.port`, port, 'port is not valid: must be between 1 and 65535, inclusive'));
  if (typeof service.path !== 'string') return causes;
  const urlPath = service.path;
  if (urlPath === '/' || urlPath === '') return causes;
  if (urlPath === '//') return [...causes, invalid(`${path}.path`, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) causes.push(invalid(`${path}.path`, urlPath, "must start with a '/'"));
  let toCheck = urlPath.slice(1);
  if (toCheck.endsWith('/')) toCheck = toCheck.slice(0, -1);
  toCheck.split('/').forEach((step, i) => {
    if (step === '') {
      causes.push(invalid(`${path}.path`, urlPath, `segment[${i}] may not be empty`));
      return;
    }
    if (step.length > 253) causes.push(invalid(`${path}.path`, urlPath, `segment[${i}]: must be no more than 253 characters`));
    if (!DNS_SUBDOMAIN.test(step)) causes.push(invalid(`${path}.path`, urlPath, `segment[${i}]: ${SUBDOMAIN_MESSAGE}`));
  });
  return causes;
}

function oneOf(hook: Obj, key: string, allowed: string[], path: string): StatusCause[] {
  const v = hook[key];
  return v !== undefined && v !== null && !allowed.includes(String(v)) ? [notSupported(`${path}.${key}`, v, allowed)] : [];
}

/** validateValidatingWebhook / validateMutatingWebhook (without matchConditions). */
function validateWebhook(hook: Obj, mutating: boolean, opts: Options, path: string): StatusCause[] {
  const causes = fullyQualifiedName(typeof hook.name === 'string' ? hook.name : '', `${path}.name`);
  list(hook.rules).forEach((r, i) => causes.push(...validateRule(isMap(r) ? r : {}, `${path}.rules[${i}]`)));
  causes.push(...oneOf(hook, 'failurePolicy', FAILURE_POLICIES, path), ...oneOf(hook, 'matchPolicy', MATCH_POLICIES, path));
  const sideEffects = opts.requireNoSideEffects ? NO_SIDE_EFFECTS : SIDE_EFFECTS;
  if (hook.sideEffects === undefined || hook.sideEffects === null) causes.push(required(`${path}.sideEffects`, `must specify one of ${sideEffects.join(', ')}`));
  else causes.push(...oneOf(hook, 'sideEffects', sideEffects, path));
  const timeout = hook.timeoutSeconds;
  if (typeof timeout === 'number' && (timeout > 30 || timeout < 1)) causes.push(invalid(`${path}.timeoutSeconds`, timeout, 'the timeout value must be between 1 and 30 seconds'));
  for (const key of ['namespaceSelector', 'objectSelector']) if (isMap(hook[key])) causes.push(...validateLabelSelector(hook[key] as Obj, `${path}.${key}`));
  if (mutating) causes.push(...oneOf(hook, 'reinvocationPolicy', REINVOCATION_POLICIES, path));
  const cc = isMap(hook.clientConfig) ? hook.clientConfig : {};
  const hasUrl = typeof cc.url === 'string';
  const hasService = isMap(cc.service);
  if (hasUrl === hasService) causes.push(required(`${path}.clientConfig`, 'exactly one of url or service is required'));
  else if (hasUrl) causes.push(...validateUrl(cc.url as string, `${path}.clientConfig.url`));
  else causes.push(...validateService(cc.service as Obj, `${path}.clientConfig.service`));
  return causes;
}

function validateConfiguration(obj: KObject, old: KObject | undefined, mutating: boolean): StatusCause[] {
  const opts = optionsFor(old);
  const causes: StatusCause[] = [];
  const names = new Set<string>();
  hooksOf(obj).forEach((hook, i) => {
    const path = `webhooks[${i}]`;
    causes.push(...validateWebhook(hook, mutating, opts, path));
    causes.push(...validateReviewVersions(list(hook.admissionReviewVersions), opts.requireRecognizedReviewVersion, `${path}.admissionReviewVersions`));
    const name = typeof hook.name === 'string' ? hook.name : '';
    if (opts.requireUniqueNames && name) {
      if (names.has(name)) causes.push(duplicate(`${path}.name`, name));
      else names.add(name);
    }
  });
  return causes;
}

export const validateValidatingWebhookConfiguration = (obj: KObject, old: KObject | undefined): StatusCause[] => validateConfiguration(obj, old, false);
export const validateMutatingWebhookConfiguration = (obj: KObject, old: KObject | undefined): StatusCause[] => validateConfiguration(obj, old, true);
