import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isMap, isWatchSpec, type Case, type Json, type RequestExpect, type RequestSpec, type WatchEventRecord, type WatchExpect, type WatchSpec } from './case';
import { brief, classifyBody, classifyStatus, firstDifference, sameContentType, type Mismatch } from './compare';
import type { HttpAnswer, ReplayHttp } from './http';
import { collectGeneratedNames, collectSentGenerateNames, newNormalizeContext, normalize, normalizeText, type NormalizeContext } from './normalize';
import { applyTemplates, extract, lookup, mutate, type TemplateContext } from './template';

export const USER_AGENT = 'kube-conformance/v1.0 (linux/amd64) replay';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The outcome of one case. */
export interface CaseResult {
  id: string;
  category: string;
  title: string;
  matched: boolean;
  mismatch?: Mismatch;
  ms: number;
}

interface Run {
  c: Case;
  http: ReplayHttp;
  tpl: TemplateContext;
  norm: NormalizeContext;
  /** resourceVersion of the last successful non-dryRun write, for the never-goes-back check. */
  lastWriteRv?: bigint;
}

class CaseFailure extends Error {
  constructor(readonly mismatch: Mismatch) {
    super(mismatch.what);
  }
}

function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v.join(', ') : v;
}

function hasHeader(h: Record<string, string> | undefined, name: string): boolean {
  return Object.keys(h ?? {}).some((k) => k.toLowerCase() === name.toLowerCase());
}

function parseBody(text: string): unknown {
  if (text === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 4000);
  }
}

const DECIMAL = /^\d+$/;
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The README's checks while running: decimal resourceVersions, RFC 3339 timestamps. */
function checkValues(value: unknown, key?: string, underManaged = false): string | undefined {
  if (typeof value === 'string') {
    if (key === 'resourceVersion' && value !== '' && !DECIMAL.test(value)) return `resourceVersion ${JSON.stringify(value)} is not a decimal string`;
    const stamp = key === 'creationTimestamp' || key === 'deletionTimestamp' || key === 'expirationTimestamp' || (key === 'time' && underManaged);
    if (stamp && !RFC3339.test(value)) return `${key} ${JSON.stringify(value)} is not RFC 3339`;
    return undefined;
  }
  if (Array.isArray(value)) {
    for (const v of value) {
      const problem = checkValues(v, key, underManaged);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      const problem = checkValues(v, k, underManaged || key === 'managedFields');
      if (problem) return problem;
    }
  }
  return undefined;
}

function isDryRun(q: Record<string, string | string[]> | undefined, body: unknown): boolean {
  const v = q?.dryRun;
  if (v !== undefined && (Array.isArray(v) ? v.length > 0 : v !== '')) return true;
  return isMap(body) && Array.isArray(body.dryRun) && body.dryRun.length > 0;
}

/** Sends one templated request step; returns the answer and its parsed body. */
async function send(run: Run, spec: RequestSpec): Promise<{ answer: HttpAnswer; body: unknown; sentBody: unknown; query?: Record<string, string | string[]> }> {
  const path = applyTemplates(spec.p, run.tpl) as string;
  const query = spec.q ? (applyTemplates(spec.q as Json, run.tpl) as Record<string, string | string[]>) : undefined;
  const h = spec.h ? (applyTemplates(spec.h, run.tpl) as Record<string, string>) : {};
  let b = spec.b === undefined ? undefined : applyTemplates(spec.b, run.tpl);
  if (spec.mutate && b !== undefined) b = mutate(b, spec.mutate);
  collectSentGenerateNames(b, run.norm.sentGenerateNames);
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...h };
  if (!hasHeader(h, 'Accept')) headers.Accept = 'application/json';
  let text: string | undefined;
  if (typeof b === 'string') text = b;
  else if (b !== undefined) {
    text = JSON.stringify(b);
    if (!hasHeader(h, 'Content-Type')) headers['Content-Type'] = 'application/json';
  }
  const auth = spec.noAuth || hasHeader(h, 'Authorization') ? 'none' : 'admin';
  const answer = await run.http.send({ method: spec.m ?? 'GET', path, query, headers, body: text, auth });
  const body = parseBody(answer.text);
  collectGeneratedNames(body, run.norm.generatedNames);
  return { answer, body, sentBody: b, query };
}

function saveValues(run: Run, spec: RequestSpec, answer: HttpAnswer, body: unknown): void {
  for (const [name, path] of Object.entries(spec.save ?? {})) {
    const value = lookup({ body, headers: answer.headers, status: answer.status }, path.split('.'));
    run.tpl.vars.set(name, value);
    if (name.startsWith('token') && typeof value === 'string') run.norm.tokens.push(value);
  }
}

function checkWrite(run: Run, step: number, spec: RequestSpec, answer: HttpAnswer, body: unknown, sentBody: unknown, query: Record<string, string | string[]> | undefined): void {
  const problem = checkValues(body);
  if (problem) throw new CaseFailure({ step, classification: 'check failed', what: problem });
  const method = (spec.m ?? 'GET').toUpperCase();
  if (!['POST', 'PUT', 'PATCH'].includes(method) || answer.status < 200 || answer.status >= 300 || isDryRun(query, sentBody)) return;
  const rv = isMap(body) && isMap(body.metadata) ? body.metadata.resourceVersion : undefined;
  if (typeof rv !== 'string' || !DECIMAL.test(rv)) return;
  const now = BigInt(rv);
  if (run.lastWriteRv !== undefined && now < run.lastWriteRv) {
    throw new CaseFailure({ step, classification: 'check failed', what: `resourceVersion went back: ${run.lastWriteRv} then ${now}` });
  }
  run.lastWriteRv = now;
}

function compareHeaders(run: Run, step: number, expected: Record<string, string> | undefined, answer: HttpAnswer, during?: number): void {
  const ct = headerValue(answer.headers, 'content-type');
  if (!sameContentType(expected?.['content-type'], ct)) {
    throw new CaseFailure({ step, during, classification: 'shape mismatch', what: `content-type ${brief(ct)}, recorded ${brief(expected?.['content-type'])}` });
  }
  const warning = headerValue(answer.headers, 'warning');
  const actualWarning = warning === undefined ? undefined : normalizeText(warning, run.norm);
  if (actualWarning !== expected?.warning) {
    throw new CaseFailure({ step, during, classification: 'message mismatch', what: `Warning ${brief(actualWarning, 300)}, recorded ${brief(expected?.warning, 300)}` });
  }
}

async function requestStep(run: Run, step: number, spec: RequestSpec, expect: RequestExpect): Promise<void> {
  if (spec.before) await sleep(spec.before);
  const { answer, body, sentBody, query } = await send(run, spec);
  saveValues(run, spec, answer, body);
  if (spec.sleepMs) await sleep(spec.sleepMs);
  checkWrite(run, step, spec, answer, body, sentBody, query);
  if (answer.status !== expect.status) {
    throw new CaseFailure({
      step,
      classification: classifyStatus(expect.status, answer.status),
      what: `status ${answer.status}, recorded ${expect.status}: ${brief(isMap(body) && body.kind === 'Status' ? body.message : body, 400)}`,
    });
  }
  if (spec.compare === 'status' || expect.compare === 'status') return;
  compareHeaders(run, step, expect.headers, answer);
  const actual = normalize(spec.extract ? extract(body, spec.extract) : body, run.norm);
  const d = firstDifference(expect.body, actual);
  if (d) throw new CaseFailure({ step, classification: classifyBody(expect.body, d), what: `body differs at ${d.path || '(root)'}: ${brief(d.actual, 400)}, recorded ${brief(d.expected, 400)}`, difference: d });
}

function eventRecord(line: string, norm: NormalizeContext): WatchEventRecord {
  const event = JSON.parse(line) as { type: string; object?: Record<string, unknown> };
  const object = event.object ?? {};
  if (event.type === 'ERROR') return { type: 'ERROR', object: normalize(object, norm) };
  collectGeneratedNames(object, norm.generatedNames);
  const meta = isMap(object.metadata) ? object.metadata : {};
  const record: WatchEventRecord = {
    type: event.type,
    kind: (object.kind as Json | undefined) ?? null,
    name: typeof meta.name === 'string' ? normalizeText(meta.name, norm) : null,
  };
  if (event.type === 'BOOKMARK') record.annotations = normalize(meta.annotations ?? {}, norm);
  return record;
}

async function watchStep(run: Run, step: number, spec: WatchSpec, expect: WatchExpect): Promise<void> {
  if (spec.before) await sleep(spec.before);
  const path = applyTemplates(spec.watch.p, run.tpl) as string;
  const query = spec.watch.q ? (applyTemplates(spec.watch.q as Json, run.tpl) as Record<string, string | string[]>) : undefined;
  const h = spec.watch.h ? (applyTemplates(spec.watch.h, run.tpl) as Record<string, string>) : {};
  const headers: Record<string, string> = { 'User-Agent': USER_AGENT, ...h };
  if (!hasHeader(h, 'Accept')) headers.Accept = 'application/json';
  const auth = spec.noAuth || hasHeader(h, 'Authorization') ? 'none' : 'admin';
  const { res, abort } = await run.http.open({ method: 'GET', path, query, headers, auth });
  let text = '';
  let ended = false;
  res.on('data', (c: Buffer) => (text += c.toString('utf8')));
  res.on('end', () => (ended = true));
  res.on('error', () => undefined);
  const answer: HttpAnswer = { status: res.statusCode ?? 0, headers: res.headers, text: '' };
  const duringStatuses: number[] = [];
  try {
    if (answer.status === 200) {
      await sleep(spec.settleMs ?? 400);
      for (const d of spec.during ?? []) {
        if (d.before) await sleep(d.before);
        const sent = await send(run, d);
        duringStatuses.push(sent.answer.status);
        if (d.sleepMs) await sleep(d.sleepMs);
      }
      await sleep(spec.collectMs ?? 1500);
    } else {
      await new Promise<void>((resolve) => (ended ? resolve() : res.once('end', () => resolve())));
    }
  } finally {
    abort();
  }
  if (answer.status !== expect.status) {
    throw new CaseFailure({ step, classification: classifyStatus(expect.status, answer.status), what: `watch status ${answer.status}, recorded ${expect.status}: ${brief(text, 300)}` });
  }
  compareHeaders(run, step, expect.headers, answer);
  for (let i = 0; i < (expect.during ?? []).length; i++) {
    const want = expect.during?.[i]?.status;
    if (duringStatuses[i] !== want) {
      throw new CaseFailure({ step, during: i, classification: classifyStatus(want ?? 0, duringStatuses[i] ?? 0), what: `during[${i}] status ${duringStatuses[i]}, recorded ${want}` });
    }
  }
  if (answer.status !== 200) {
    const d = firstDifference(expect.body, normalize(parseBody(text), run.norm));
    if (d) throw new CaseFailure({ step, classification: classifyBody(expect.body, d), what: `watch error body differs at ${d.path}: ${brief(d.actual, 300)}, recorded ${brief(d.expected, 300)}`, difference: d });
    return;
  }
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const events = lines.map((l) => eventRecord(l, run.norm));
  const d = firstDifference(expect.events ?? [], events, 'events');
  if (d) {
    const inStatus = /^events\[\d+\]\.object\./.test(d.path);
    throw new CaseFailure({ step, classification: inStatus ? classifyBody(expect.events?.[0]?.object ?? undefined, { ...d, path: d.path.replace(/^events\[\d+\]\.object\./, '') }) : 'shape mismatch', what: `watch events differ at ${d.path}: ${brief(d.actual, 300)}, recorded ${brief(d.expected, 300)}`, difference: d });
  }
  if (expect.endedByServer !== undefined && expect.endedByServer !== ended) {
    throw new CaseFailure({ step, classification: 'shape mismatch', what: `stream ${ended ? 'was' : 'was not'} ended by the server, recorded ${expect.endedByServer ? 'ended' : 'open'}` });
  }
}

/** Creates a case namespace and waits (3 s at most) for its default ServiceAccount and kube-root-ca.crt. */
async function makeNamespace(http: ReplayHttp, name: string): Promise<void> {
  const body = JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kube-conformance': 'true' } } });
  const headers = { 'User-Agent': USER_AGENT, Accept: 'application/json', 'Content-Type': 'application/json' };
  const created = await http.send({ method: 'POST', path: '/api/v1/namespaces', headers, body, auth: 'admin' });
  if (created.status !== 201) throw new Error(`creating namespace ${name}: ${created.status} ${created.text.slice(0, 300)}`);
  for (const path of [`/api/v1/namespaces/${name}/serviceaccounts/default`, `/api/v1/namespaces/${name}/configmaps/kube-root-ca.crt`]) {
    const deadline = Date.now() + 3000;
    while ((await http.send({ method: 'GET', path, headers, auth: 'admin' })).status !== 200 && Date.now() < deadline) await sleep(50);
  }
}

/** Runs one case as the corpus README specifies; never throws for a server's answer, only reports it. */
export async function runCase(http: ReplayHttp, c: Case): Promise<CaseResult> {
  const started = Date.now();
  const ns = `kc-${randomBytes(3).toString('hex')}`;
  const ns2 = `${ns}-b`;
  const run: Run = { c, http, tpl: { ns, ns2: c.ns2 ? ns2 : '', vars: new Map() }, norm: newNormalizeContext(ns, c.ns2 ? ns2 : '') };
  const namespaces = c.namespaced === false ? [] : c.ns2 ? [ns, ns2] : [ns];
  let mismatch: Mismatch | undefined;
  try {
    for (const n of namespaces) await makeNamespace(http, n);
    for (let i = 0; i < c.steps.length; i++) {
      const { request, expect } = c.steps[i];
      if (isWatchSpec(request)) await watchStep(run, i, request, expect as WatchExpect);
      else await requestStep(run, i, request, expect as RequestExpect);
    }
  } catch (err) {
    mismatch = err instanceof CaseFailure ? err.mismatch : { step: -1, classification: 'error', what: (err as Error).message };
  } finally {
    const headers = { 'User-Agent': USER_AGENT, Accept: 'application/json' };
    for (const p of c.cleanup ?? []) {
      try {
        await http.send({ method: 'DELETE', path: applyTemplates(p, run.tpl) as string, headers, auth: 'admin' });
      } catch {
        // cleanup ignores errors, as the README says
      }
    }
    for (const n of namespaces) {
      try {
        await http.send({ method: 'DELETE', path: `/api/v1/namespaces/${n}`, headers, auth: 'admin' });
      } catch {
        // the namespace goes away on its own or not at all; the next case uses a new one
      }
    }
  }
  return { id: c.id, category: c.category, title: c.title, matched: !mismatch, mismatch, ms: Date.now() - started };
}

/** Runs cases with a bounded number in flight (each has its own namespaces). */
export async function runCases(http: ReplayHttp, cases: Case[], concurrency = 4, onResult?: (r: CaseResult) => void): Promise<CaseResult[]> {
  const results: CaseResult[] = new Array<CaseResult>(cases.length);
  let next = 0;
  const worker = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await runCase(http, cases[i]);
      onResult?.(results[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  return results;
}
