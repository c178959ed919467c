/**
 * What a request asks for, as kube-apiserver's RequestInfoFactory reads a URL: resource requests
 * under /api and /apis (verb from method and watch, namespace, resource, subresource, name) and
 * everything else as a non-resource path.
 */
import type { Attributes } from './rbac';

export type RequestInfo = Omit<Attributes, 'user'>;

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfo(method: string, pathname: string, query: URLSearchParams): RequestInfo {
  const path = pathname;
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const nonResource = (verb: string): RequestInfo => ({ verb, resourceRequest: false, apiGroup: '', resource: '', subresource: '', namespace: '', name: '', path });
  const httpVerb = ({ GET: 'get', HEAD: 'get', POST: 'post', PUT: 'put', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
  let rest: string[];
  let apiGroup = '';
  if (parts[0] === 'api' && parts.length >= 3) rest = parts.slice(2);
  else if (parts[0] === 'apis' && parts.length >= 4) {
    apiGroup = parts[1];
    rest = parts.slice(3);
  } else return nonResource(httpVerb);

  let verb = ({ GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' } as Record<string, string>)[method] ?? method.toLowerCase();
  if (rest[0] === 'watch') {
    verb = 'watch';
    rest = rest.slice(1);
  }
  let namespace = '';
  if (rest[0] === 'namespaces') {
    if (rest.length > 1) {
      namespace = rest[1];
      if (rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) rest = rest.slice(2);
    }
  }
  const resource = rest[0] ?? '';
  const name = rest[1] ?? '';
  const subresource = rest[2] ?? '';
  if (!name && verb === 'get') verb = 'list';
  if (!name && verb === 'delete') verb = 'deletecollection';
  const watchParam = query.get('watch');
  if ((verb === 'list' || verb === 'get') && (watchParam === 'true' || watchParam === '1')) verb = 'watch';
  const fieldName = verb === 'list' || verb === 'watch' ? /(?:^|,)metadata\.name=([^,]+)/.exec(query.get('fieldSelector') ?? '')?.[1] : undefined;
  return { verb, resourceRequest: true, apiGroup, resource, subresource, namespace, name: name || fieldName || '', path };
}
