/**
 * The webhook admission phase of a write, as kube-apiserver runs it: mutating webhooks in
 * configuration-name order (with IfNeeded reinvocation), then all validating webhooks; failures
 * and denials become the same Status errors a real API server returns.
 */
import { celEnv, isCelError, parse, plan } from '@bufbuild/cel';
import jsonpatch from 'fast-json-patch';
import type { Operation } from 'fast-json-patch';
import { StatusError, badRequest, type StatusReason } from '../errors';
import { celFuncs } from '../schema/cel-library';
import { toCel } from '../schema/cel-values';
import { CallingWebhookError, callWebhook, type ServiceResolver } from './client';
import { readWebhooks, type Webhook } from './config';
import { webhookApplies } from './match';
import { buildReview, readResponse, type AdmissionResponse } from './review';
import type { AdmissionAttributes, AdmissionChain, AdmissionSource } from './types';

export type { AdmissionAttributes, AdmissionChain, AdmissionSource } from './types';
export type { ServiceResolver } from './client';
export { selectorMatches, ruleMatches } from './match';

export interface AdmissionChainOptions {
  /**
   * Resolves `clientConfig.service` references to a base URL such as `https://127.0.0.1:9443`;
   * the certificate is still verified for `<name>.<namespace>.svc`. Without it, service
   * webhooks fail like an unknown service.
   */
  resolveService?: ServiceResolver;
}

/** 500 InternalError wrapping a webhook call failure (what failurePolicy Fail returns). */
function internalError(err: Error): StatusError {
  return new StatusError(500, 'InternalError', `Internal error occurred: ${err.message}`, { causes: [{ reason: '', message: err.message, field: '' }] });
}

/** The error for a denial: `admission webhook "<name>" denied the request: <message>`, code >= 400. */
export function denialError(hookName: string, status: AdmissionResponse['status']): StatusError {
  const deniedBy = `admission webhook ${JSON.stringify(hookName)} denied the request`;
  const code = status?.code && status.code >= 400 ? status.code : 400;
  let message: string;
  if (status?.message) message = `${deniedBy}: ${status.message}`;
  else if (status?.reason) message = `${deniedBy}: ${status.reason}`;
  else message = `${deniedBy} without explanation`;
  return new StatusError(code, (status?.reason ?? '') as StatusReason, message, status?.details as StatusError['details']);
}

const conditionEnv = celEnv({ funcs: celFuncs });

/**
 * Evaluates matchConditions: any false skips the webhook; otherwise an evaluation error fails
 * closed with 403 (or skips the webhook under failurePolicy Ignore).
 */
function conditionsMatch(hook: Webhook, attrs: AdmissionAttributes, request: Record<string, unknown>): boolean {
  if (!hook.matchConditions.length) return true;
  const bindings = {
    object: toCel(attrs.object ?? null, undefined),
    oldObject: toCel(attrs.oldObject ?? null, undefined),
    request: toCel(request, undefined),
  };
  const errors: string[] = [];
  for (const cond of hook.matchConditions) {
    let result: unknown;
    try {
      const program = plan(conditionEnv, parse(cond.expression)) as (b: Record<string, unknown>) => unknown;
      result = program(bindings);
    } catch (e) {
      result = e;
    }
    if (result === false) return false;
    if (result !== true) {
      const detail = isCelError(result) || result instanceof Error ? (result as Error).message : 'expression did not evaluate to a bool';
      errors.push(`failed to evaluate match condition ${JSON.stringify(cond.name)}: ${detail}`);
    }
  }
  if (!errors.length) return true;
  if (hook.failurePolicy === 'Ignore') return false;
  const { group, resource } = attrs.resource;
  const qualified = group ? `${resource}.${group}` : resource;
  const detail = errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`;
  throw new StatusError(403, 'Forbidden', `${qualified} ${JSON.stringify(attrs.name)} is forbidden: ${detail}`, { name: attrs.name, group, kind: resource });
}

/** Builds the admission chain over the webhook configurations `source` currently holds. */
export function createAdmissionChain(source: AdmissionSource, options: AdmissionChainOptions = {}): AdmissionChain {
  const nsLabels = (ns: string) => source.namespaceLabels(ns);

  /** Calls one webhook; returns its response, or undefined when it was skipped or ignored. */
  async function invoke(hook: Webhook, attrs: AdmissionAttributes, mutating: boolean): Promise<AdmissionResponse | undefined> {
    const { uid, review } = buildReview(attrs);
    try {
      if (!conditionsMatch(hook, attrs, review.request as Record<string, unknown>)) return undefined;
      if (attrs.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun') {
        throw badRequest(`admission webhook ${JSON.stringify(hook.name)} does not support dry run`);
      }
      const body = await callWebhook(hook.name, hook.clientConfig, hook.timeoutSeconds, review, options.resolveService);
      const response = readResponse(hook.name, uid, body, mutating);
      for (const w of response.warnings ?? []) attrs.warnings?.push(w);
      if (!response.allowed) throw denialError(hook.name, response.status);
      return response;
    } catch (e) {
      if (e instanceof CallingWebhookError) {
        if (hook.failurePolicy === 'Ignore') return undefined;
        throw internalError(e);
      }
      throw e;
    }
  }

  async function mutateOnce(hook: Webhook, attrs: AdmissionAttributes, object: Record<string, unknown> | undefined): Promise<Record<string, unknown> | undefined> {
    const response = await invoke(hook, { ...attrs, object }, true);
    if (!response?.patch) return object;
    let ops: Operation[];
    try {
      ops = JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as Operation[];
    } catch (e) {
      throw internalError(e as Error);
    }
    if (!ops.length) return object;
    if (object === undefined) {
      throw internalError(new Error(`admission webhook ${JSON.stringify(hook.name)} attempted to modify the object, which is not supported for this operation`));
    }
    try {
      return jsonpatch.applyPatch(jsonpatch.deepClone(object), ops, true, false).newDocument as Record<string, unknown>;
    } catch (e) {
      throw internalError(e as Error);
    }
  }

  return {
    async mutate(attrs) {
      const hooks = readWebhooks(source.mutatingWebhookConfigurations()).filter((h) => webhookApplies(h, attrs, nsLabels));
      // undefined: no webhook changed the object (the caller keeps its own, already decoded).
      if (hooks.length === 0) return undefined;
      const original = attrs.object;
      let object = original;
      const after = new Map<Webhook, string>();
      for (const hook of hooks) {
        object = await mutateOnce(hook, attrs, object);
        after.set(hook, JSON.stringify(object));
      }
      // IfNeeded webhooks run once more when a later webhook changed the object after them.
      const final = JSON.stringify(object);
      for (const hook of hooks) {
        if (hook.reinvocationPolicy === 'IfNeeded' && after.get(hook) !== final) object = await mutateOnce(hook, attrs, object);
      }
      return object === original ? undefined : object;
    },

    async validate(attrs) {
      const hooks = readWebhooks(source.validatingWebhookConfigurations()).filter((h) => webhookApplies(h, attrs, nsLabels));
      const results = await Promise.allSettled(hooks.map((h) => invoke(h, attrs, false)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}
