import type { IncomingMessage, ServerResponse } from 'node:http';
import yaml from 'js-yaml';
import { PATCH_TYPES, type Api, type DeleteOptions, type UserInfo, type WriteOptions } from './api';
import type { AuditLog } from './audit';
import { ANONYMOUS, authenticate, impersonationRequest } from './auth/authenticate';
import { forbiddenMessage, type Attributes, type RbacAuthorizer } from './auth/rbac';
import { requestInfo, type RequestInfo } from './auth/request-info';
import type { TokenIssuer } from './auth/tokens';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, apiVersions, SERVER_VERSION } from './discovery';
import { goJsonSyntaxError } from './decode';
import { badRequest, StatusError } from './errors';
import { decodeKubernetesProtobuf } from './protobuf';
import { openapiV2Json, openapiV3Document, openapiV3Index } from './openapi';
import type { ResourceType } from './registry';
import type { KObject } from './store';
import { buildTable, type IncludeObject } from './table';
import { toGoYaml } from './yaml';
import { validateListOptions } from './list';
import { startWatch, type WatchEvent } from './watch';

const MAX_BODY = 3 * 1024 * 1024;
const DEFAULT_WATCH_TIMEOUT_S = 1800;

interface Route {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: string;
  watch: boolean;
}

/** An unknown path: the Go mux's plain-text 404. */
class PageNotFound extends Error {}

function notFoundPage(): PageNotFound {
  return new PageNotFound('404 page not found');
}

const OPTIONS_KIND: Record<string, string> = { POST: 'CreateOptions', PUT: 'UpdateOptions', PATCH: 'PatchOptions', DELETE: 'DeleteOptions' };

/** A 422 on a query parameter of the request (`<Verb>Options.meta.k8s.io "" is invalid: ...`). */
function optionsInvalid(method: string, field: string, reason: string, message: string): StatusError {
  const kind = OPTIONS_KIND[method] ?? 'ListOptions';
  return new StatusError(422, 'Invalid', `${kind}.meta.k8s.io "" is invalid: ${field}: ${message}`, { group: 'meta.k8s.io', kind, causes: [{ reason, message, field }] });
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new StatusError(413, 'BadRequest', 'Request entity too large: limit is 3145728'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Like transformDecodeError's summarizeData: the first 30 bytes of a body a decoder could not read. */
function summarize(raw: Buffer): string {
  if (raw.length === 0) return '<empty>';
  return raw.length > 30 ? `${raw.subarray(0, 30).toString('utf8')} ...` : raw.toString('utf8');
}

function decodeBody(raw: Buffer, contentType: string, kind?: string): unknown {
  if (raw.length === 0) return undefined;
  if (/protobuf/.test(contentType)) return decodeKubernetesProtobuf(raw);
  if (/cbor/.test(contentType)) {
    throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`);
  }
  const text = raw.toString('utf8');
  if (/yaml/.test(contentType)) {
    try {
      return yaml.load(text);
    } catch (err) {
      throw badRequest(`error converting YAML to JSON: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  try {
    return JSON.parse(text);
  } catch {
    const reason = `couldn't get version/kind; json parse error: ${goJsonSyntaxError(text)}`;
    throw badRequest(kind ? `the object provided is unrecognized (must be of type ${kind}): ${reason} (${summarize(raw)})` : reason);
  }
}

/** How a response is encoded, from the first Accept media range devcluster can produce. */
type Negotiated = { as: 'json' | 'yaml' } | { as: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList'; version: 'v1' | 'v1beta1' };

const NOT_ACCEPTABLE = 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';

function negotiate(accept: string | undefined): Negotiated {
  if (!accept) return { as: 'json' };
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const [k, v] = kv.split('=');
      if (k && v !== undefined) p[k.trim()] = v.trim();
    }
    if (p.as) {
      if (type !== 'application/json' || p.g !== 'meta.k8s.io' || (p.v !== 'v1' && p.v !== 'v1beta1')) continue;
      if (p.as === 'Table' || p.as === 'PartialObjectMetadata' || p.as === 'PartialObjectMetadataList') return { as: p.as, version: p.v };
      continue;
    }
    if (type === 'application/json' || type === '*/*' || type === 'application/*') return { as: 'json' };
    if (type === 'application/yaml') return { as: 'yaml' };
  }
  throw new StatusError(406, 'NotAcceptable', NOT_ACCEPTABLE);
}

/** kube-apiserver's 403 for a request the authorizer refused. */
export function forbidden(a: Attributes): StatusError {
  const message = forbiddenMessage(a);
  if (!a.resourceRequest) return new StatusError(403, 'Forbidden', `forbidden: ${message}`, {});
  const qualified = a.apiGroup ? `${a.resource}.${a.apiGroup}` : a.resource;
  const text = a.name ? `${qualified} ${JSON.stringify(a.name)} is forbidden: ${message}` : `${qualified} is forbidden: ${message}`;
  return new StatusError(403, 'Forbidden', text, { name: a.name, group: a.apiGroup, kind: a.resource });
}

/** Who may call devcluster, and what they may do. */
export interface HttpSecurity {
  issuer: TokenIssuer;
  authorizer: RbacAuthorizer;
  audit?: AuditLog;
}

/** The HTTP face of devcluster: authentication, authorization, routing, content negotiation, watch streaming and Status errors. */
export class HttpHandler {
  private readonly openWatches = new Set<() => void>();

  constructor(
    private readonly api: Api,
    private readonly serverAddress: () => string,
    private readonly log: (line: string) => void,
    private readonly security: HttpSecurity,
  ) {}

  /** The user a request acts as, after authentication and impersonation (throws 401/403). */
  private authenticateRequest(req: IncomingMessage): UserInfo {
    const result = authenticate(req, this.security.issuer, this.api.store);
    if ('unauthorized' in result) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
    const requested = impersonationRequest(req);
    if (!requested) return result.user;
    const user = result.user;
    const check = (resource: string, name: string, namespace = '', subresource = '') => {
      const attrs: Attributes = { user, verb: 'impersonate', resourceRequest: true, apiGroup: resource === 'serviceaccounts' ? '' : 'authentication.k8s.io', resource, subresource, namespace, name, path: '' };
      if (resource === 'users' || resource === 'groups') attrs.apiGroup = '';
      if (!this.security.authorizer.authorize(attrs).allowed) throw forbidden(attrs);
    };
    if (!requested.username) throw badRequest('requested impersonation of groups or extra fields without a user');
    const sa = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(requested.username);
    if (sa) check('serviceaccounts', sa[2], sa[1]);
    else check('users', requested.username);
    for (const g of requested.groups) if (g !== 'system:authenticated' && !(sa && g.startsWith('system:serviceaccounts'))) check('groups', g);
    if (requested.uid) check('uids', requested.uid);
    for (const [k, values] of Object.entries(requested.extra ?? {})) for (const v of values) check('userextras', v, '', k);
    return requested;
  }

  /** Ends every open watch (server shutdown). */
  closeWatches(): void {
    for (const close of [...this.openWatches]) close();
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://devcluster');
    const warnings: string[] = [];
    const info: RequestInfo = requestInfo(req.method ?? 'GET', url.pathname, url.searchParams);
    let user: UserInfo = ANONYMOUS;
    const audit = this.security.audit;
    if (audit) {
      let recorded = false;
      const record = () => {
        if (recorded) return;
        recorded = true;
        audit.record(user, info, res.statusCode);
      };
      res.once('finish', record);
      res.once('close', record);
      // Like kube-apiserver's ResponseStarted stage: a watch is recorded when its headers go out, not when it ends.
      if (info.verb === 'watch') {
        const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
        res.writeHead = ((...args: unknown[]) => {
          const result = writeHead(...args);
          record();
          return result;
        }) as typeof res.writeHead;
      }
    }
    try {
      user = this.authenticateRequest(req);
      const attrs: Attributes = { ...info, user };
      if (!this.security.authorizer.authorize(attrs).allowed) throw forbidden(attrs);
      await this.dispatch(req, res, url, warnings, user);
    } catch (err) {
      if (err instanceof PageNotFound) {
        if (!res.headersSent) {
          res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
          res.end('404 page not found\n');
        }
        return;
      }
      const status = err instanceof StatusError ? err : new StatusError(500, 'InternalError', `Internal error occurred: ${(err as Error).message}`);
      if (!(err instanceof StatusError)) this.log(`${req.method} ${url.pathname}: ${(err as Error).stack ?? String(err)}`);
      if (res.headersSent) {
        res.end();
        return;
      }
      this.sendJson(res, status.code, status.toStatus(), warnings);
    }
  }

  private sendJson(res: ServerResponse, code: number, body: unknown, warnings: string[] = []): void {
    const text = JSON.stringify(body);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' };
    if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(code, headers);
    res.end(text);
  }

  private async dispatch(req: IncomingMessage, res: ServerResponse, url: URL, warnings: string[], user: UserInfo): Promise<void> {
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    if (['/healthz', '/livez', '/readyz'].includes(path) || /^\/(healthz|livez|readyz)\//.test(path)) {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('ok');
      return;
    }
    if (path === '/version') return this.sendJson(res, 200, SERVER_VERSION);
    if (path === '/api' || path === '/apis') {
      if (/g=apidiscovery\.k8s\.io;v=v2;as=APIGroupDiscoveryList/.test(req.headers.accept ?? '')) {
        const text = JSON.stringify(aggregatedDiscovery(this.api.registry, path === '/api'));
        res.writeHead(200, { 'Content-Type': 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', 'Cache-Control': 'no-cache, private' });
        res.end(text);
        return;
      }
      return this.sendJson(res, 200, path === '/api' ? apiVersions(this.serverAddress()) : apiGroupList(this.api.registry));
    }
    if (path.startsWith('/openapi/')) return this.openapi(req, res, path);
    const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (segments[0] === 'apis' && segments.length === 2) {
      const group = apiGroup(this.api.registry, segments[1]);
      if (!group) throw notFoundPage();
      return this.sendJson(res, 200, group);
    }
    const gvLength = segments[0] === 'api' ? 2 : segments[0] === 'apis' ? 3 : 0;
    if (gvLength === 0 || segments.length < gvLength) throw notFoundPage();
    const group = segments[0] === 'api' ? '' : segments[1];
    const version = segments[gvLength - 1];
    if (segments.length === gvLength) {
      if (segments[0] === 'api' && version !== 'v1') throw notFoundPage();
      const list = apiResourceList(this.api.registry, group, version);
      if (!list) throw notFoundPage();
      return this.sendJson(res, 200, list);
    }
    const route = this.route(group, version, segments.slice(gvLength), url);
    await this.resource(req, res, url, route, method, warnings, user);
  }

  private route(group: string, version: string, rest: string[], url: URL): Route {
    let watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1';
    if (rest[0] === 'watch') {
      watch = true;
      rest = rest.slice(1);
    }
    let namespace: string | undefined;
    if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2])) {
      namespace = rest[1];
      rest = rest.slice(2);
    }
    const type = this.api.registry.get(group, version, rest[0]);
    if (!type || rest.length > 3) throw notFoundPage();
    const subresource = rest[2];
    if (subresource && !((subresource === 'status' && type.statusSubresource) || type.subresources?.includes(subresource))) throw notFoundPage();
    if (namespace !== undefined && !type.namespaced) throw notFoundPage();
    return { type, namespace, name: rest[1], subresource, watch };
  }

  private writeOptions(req: IncomingMessage, url: URL, warnings: string[], user?: UserInfo): WriteOptions {
    const method = req.method ?? 'GET';
    const dryRun = url.searchParams.getAll('dryRun');
    if (dryRun.some((d) => d !== 'All')) {
      throw optionsInvalid(method, 'dryRun', 'FieldValueNotSupported', `Unsupported value: ${JSON.stringify(dryRun)}: supported values: "All"`);
    }
    const fieldValidation = url.searchParams.get('fieldValidation') ?? undefined;
    if (fieldValidation && !['Strict', 'Warn', 'Ignore'].includes(fieldValidation)) {
      throw badRequest(`fieldValidation parameter unsupported: ${fieldValidation}`);
    }
    const force = url.searchParams.get('force');
    return {
      dryRun: dryRun.length > 0,
      fieldValidation,
      fieldManager: url.searchParams.get('fieldManager') ?? undefined,
      userAgent: req.headers['user-agent'],
      force: force === 'true' || force === '1',
      warnings,
      user,
      bodyOwned: true,
    };
  }

  private render(req: IncomingMessage, url: URL, type: ResourceType, stored: KObject[], single: boolean, list?: Record<string, unknown>): { body: unknown; yaml?: boolean } {
    const n = negotiate(req.headers.accept);
    if (n.as === 'Table') {
      const meta = (list?.metadata ?? {}) as { resourceVersion?: string; continue?: string };
      return {
        body: buildTable(type, stored, {
          includeObject: (url.searchParams.get('includeObject') as IncludeObject | null) ?? 'Metadata',
          resourceVersion: single ? stored[0].metadata.resourceVersion : meta.resourceVersion,
          continueToken: meta.continue || undefined,
          convert: (o) => this.api.toVersion(type, o),
          apiVersion: `meta.k8s.io/${n.version}`,
        }),
      };
    }
    if (n.as === 'PartialObjectMetadata' || n.as === 'PartialObjectMetadataList') {
      const apiVersion = `meta.k8s.io/${n.version}`;
      const partial = (o: KObject) => ({ kind: 'PartialObjectMetadata', apiVersion, metadata: o.metadata });
      if (single) return { body: partial(stored[0]) };
      const meta = { ...((list?.metadata ?? {}) as Record<string, unknown>) };
      if (meta.continue === '') delete meta.continue;
      return { body: { kind: 'PartialObjectMetadataList', apiVersion, metadata: meta, items: stored.map(partial) } };
    }
    return { body: single ? this.api.toVersion(type, stored[0]) : list, yaml: n.as === 'yaml' };
  }

  private sendRendered(res: ServerResponse, rendered: { body: unknown; yaml?: boolean }, warnings: string[]): void {
    if (!rendered.yaml) return this.sendJson(res, 200, rendered.body, warnings);
    const headers: Record<string, string | string[]> = { 'Content-Type': 'application/yaml', 'Cache-Control': 'no-cache, private' };
    if (warnings.length) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    res.writeHead(200, headers);
    res.end(toGoYaml(rendered.body));
  }

  private async resource(req: IncomingMessage, res: ServerResponse, url: URL, route: Route, method: string, warnings: string[], user: UserInfo): Promise<void> {
    const { type, namespace, name, subresource } = route;
    const q = url.searchParams;
    const api = this.api;
    if (method === 'GET' && route.watch && !name) return this.watch(req, res, url, route);
    if (method === 'GET' && route.watch && name) return this.watch(req, res, url, { ...route, name: undefined }, `metadata.name=${name}`);
    if (!name && type.namespaced && namespace === undefined && method !== 'GET') {
      throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`);
    }
    if (method === 'PATCH') {
      const patchType = (req.headers['content-type'] ?? '').split(';')[0].trim();
      const accepted = type.strategicMerge ? Object.values(PATCH_TYPES) : [PATCH_TYPES.json, PATCH_TYPES.merge, PATCH_TYPES.apply];
      if (!(accepted as string[]).includes(patchType)) {
        throw new StatusError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`);
      }
    }
    const body = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? decodeBody(await readBody(req), req.headers['content-type'] ?? '', method === 'POST' || method === 'PUT' ? route.type.kind : undefined) : undefined;
    switch (method) {
      case 'GET': {
        if (name) {
          const obj = api.get(type, namespace, name);
          const stored = type.toStorage ? type.toStorage(obj) : obj;
          return this.sendRendered(res, this.render(req, url, type, [stored], true), warnings);
        }
        const limit = q.get('limit') ? Number(q.get('limit')) : undefined;
        const listOptions = {
          labelSelector: q.get('labelSelector') ?? undefined,
          fieldSelector: q.get('fieldSelector') ?? undefined,
          limit,
          continue: q.get('continue') ?? undefined,
          resourceVersion: q.get('resourceVersion') ?? undefined,
          resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined,
        };
        negotiate(req.headers.accept);
        validateListOptions({ ...listOptions, sendInitialEvents: q.get('sendInitialEvents') ?? undefined });
        const result = api.listStored(type, namespace, listOptions);
        const list = api.listResponse(type, result);
        return this.sendRendered(res, this.render(req, url, type, result.items, false, list), warnings);
      }
      case 'POST': {
        if (name && subresource === 'token' && type.plural === 'serviceaccounts' && !type.group) {
          return this.sendJson(res, 201, api.tokenRequest(type, namespace, name, body, this.writeOptions(req, url, warnings, user)), warnings);
        }
        if (name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const created = await api.create(type, namespace, body, this.writeOptions(req, url, warnings, user));
        return this.sendJson(res, 201, created, warnings);
      }
      case 'PUT': {
        if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const updated = await api.update(type, namespace, name, body, this.writeOptions(req, url, warnings, user), subresource);
        return this.sendJson(res, 200, updated, warnings);
      }
      case 'PATCH': {
        if (!name) throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
        const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim();
        const options = this.writeOptions(req, url, warnings, user);
        const { object, created } = await api.patch(type, namespace, name, contentType, body, options, subresource);
        return this.sendJson(res, created ? 201 : 200, object, warnings);
      }
      case 'DELETE': {
        const options: DeleteOptions = { ...this.writeOptions(req, url, warnings, user) };
        const opts = (body ?? {}) as { propagationPolicy?: DeleteOptions['propagationPolicy']; orphanDependents?: boolean; preconditions?: DeleteOptions['preconditions']; dryRun?: string[] };
        const propagation = q.get('propagationPolicy') ?? opts.propagationPolicy;
        if (propagation && !['Orphan', 'Background', 'Foreground'].includes(propagation)) {
          throw optionsInvalid('DELETE', 'propagationPolicy', 'FieldValueNotSupported', `Unsupported value: "${propagation}": supported values: "Foreground", "Background", "Orphan", "nil"`);
        }
        const orphan = q.get('orphanDependents') ?? (opts.orphanDependents === undefined ? undefined : String(opts.orphanDependents));
        options.propagationPolicy = (propagation as DeleteOptions['propagationPolicy']) ?? (orphan === 'true' ? 'Orphan' : orphan === 'false' ? 'Background' : undefined);
        options.preconditions = opts.preconditions;
        if (opts.dryRun?.includes('All')) options.dryRun = true;
        if (!name) {
          const list = await api.deleteCollection(type, namespace, { labelSelector: q.get('labelSelector') ?? undefined, fieldSelector: q.get('fieldSelector') ?? undefined }, options);
          return this.sendJson(res, 200, list, warnings);
        }
        const { object, pending } = await api.delete(type, namespace, name, options);
        if (pending) return this.sendJson(res, 200, object, warnings);
        const details: Record<string, unknown> = { name, ...(type.group ? { group: type.group } : {}), kind: type.plural, uid: object.metadata.uid };
        return this.sendJson(res, 200, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details }, warnings);
      }
      default:
        throw new StatusError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    }
  }

  private watch(req: IncomingMessage, res: ServerResponse, url: URL, route: Route, extraFieldSelector?: string): void {
    const q = url.searchParams;
    validateListOptions({ watch: true, resourceVersion: q.get('resourceVersion') ?? undefined, resourceVersionMatch: q.get('resourceVersionMatch') ?? undefined, continue: q.get('continue') ?? undefined, sendInitialEvents: q.get('sendInitialEvents') ?? undefined });
    const n = negotiate(req.headers.accept);
    const metaVersion = 'version' in n ? `meta.k8s.io/${n.version}` : 'meta.k8s.io/v1';
    const fieldSelector = [q.get('fieldSelector'), extraFieldSelector].filter(Boolean).join(',') || undefined;
    const includeObject = (q.get('includeObject') as IncludeObject | null) ?? 'Metadata';
    let closed = false;
    const timeoutSeconds = q.get('timeoutSeconds') ? Number(q.get('timeoutSeconds')) : DEFAULT_WATCH_TIMEOUT_S;
    const close = () => {
      if (closed) return;
      closed = true;
      handle.stop();
      clearTimeout(timeout.timer);
      this.openWatches.delete(close);
      res.end();
    };
    const timeout: { timer?: NodeJS.Timeout } = {};
    const pending: WatchEvent[] = [];
    let started = false;
    const write = (e: WatchEvent) => {
      if (closed) return;
      if (!started) {
        pending.push(e);
        return;
      }
      let object: unknown = e.object;
      if (n.as === 'Table' && e.stored) object = buildTable(route.type, [e.stored], { includeObject, convert: (o) => this.api.toVersion(route.type, o), apiVersion: metaVersion });
      else if (n.as.startsWith('PartialObjectMetadata') && e.stored) object = { kind: 'PartialObjectMetadata', apiVersion: metaVersion, metadata: e.stored.metadata };
      res.write(`${JSON.stringify({ type: e.type, object })}\n`);
    };
    const handle = startWatch(
      this.api,
      route.type,
      {
        namespace: route.namespace,
        labelSelector: q.get('labelSelector') ?? undefined,
        fieldSelector,
        resourceVersion: q.get('resourceVersion') ?? undefined,
        sendInitialEvents: q.get('sendInitialEvents') === 'true',
        allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
      },
      write,
      () => setImmediate(close),
    );
    // The timeout starts once the watch exists (a refused watch must leave no timer behind).
    timeout.timer = setTimeout(close, timeoutSeconds * 1000);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    started = true;
    for (const e of pending.splice(0)) write(e);
    this.openWatches.add(close);
    res.on('close', close);
  }

  private openapi(req: IncomingMessage, res: ServerResponse, path: string): void {
    const registry = this.api.registry;
    if (path === '/openapi/v2') {
      const accept = req.headers.accept ?? '';
      if (/protobuf/.test(accept) && !/application\/json/.test(accept)) {
        // An empty gnostic Document: clients accept it and skip client-side validation.
        res.writeHead(200, { 'Content-Type': 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf' });
        res.end();
        return;
      }
      return this.sendJson(res, 200, openapiV2Json(registry));
    }
    if (path === '/openapi/v3') {
      // kube-openapi writes the index without a Content-Type, so Go's sniffing labels it text/plain.
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(JSON.stringify(openapiV3Index(registry)));
      return;
    }
    const m = path.match(/^\/openapi\/v3\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/);
    if (!m) throw notFoundPage();
    const doc = m[1] ? openapiV3Document(registry, '', m[1]) : openapiV3Document(registry, m[2], m[3]);
    if (!doc) throw notFoundPage();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'public, immutable' });
    res.end(JSON.stringify(doc));
  }
}
