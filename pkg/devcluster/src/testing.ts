/**
 * The cluster an integration suite runs against: a fresh devcluster (random port, temporary state
 * folder) or, when KUBEFLASH_TEST_KUBECONFIG is set, that real cluster (devcluster is then never
 * started). Suites talk to it only through the Kubernetes API (client-node or kubectl).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startDevCluster, type DevCluster, type DevClusterOptions } from './index';

export const REAL_CLUSTER_KUBECONFIG = process.env.KUBEFLASH_TEST_KUBECONFIG || undefined;

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  input?: string;
  timeoutMs?: number;
}

export interface TestCluster {
  kubeConfig: KubeConfig;
  kubeconfigPath: string;
  /** A fresh namespace made for this suite (deleted by cleanup). */
  namespace: string;
  /** The devcluster behind it (a test restarting it stores the new one here); undefined against a real cluster. */
  devcluster?: DevCluster;
  /** devcluster's state folder (persistence tests); undefined against a real cluster. */
  stateDir?: string;
  /** Runs the machine's kubectl against this cluster (own discovery cache folder). */
  kubectl(args: string[], options?: KubectlOptions): Promise<KubectlResult>;
  /** Starts a long-running kubectl (e.g. `get -w`); read its output with `output()`. */
  kubectlStream(args: string[]): { child: ChildProcess; output: () => string; stop: () => Promise<void> };
  cleanup(): Promise<void>;
}

/** Throws a clear error when kubectl cannot run: suites that need it must fail, never skip. */
export function requireKubectl(): string {
  const result = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8' });
  if (result.error || result.status !== 0) {
    throw new Error(`kubectl is required for this suite but is not runnable from PATH (${result.error?.message ?? result.stderr.trim()}); install kubectl 1.32`);
  }
  return (JSON.parse(result.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion;
}

/** Runs kubectl with a kubeconfig and a private cache folder. */
export function runKubectl(kubeconfigPath: string, cacheDir: string, args: string[], options: KubectlOptions = {}): Promise<KubectlResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`kubectl could not run: ${err.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** A unique, valid namespace name. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Starts devcluster for a test (random port) and writes its kubeconfig into `dir`. */
export async function startTestDevCluster(dir: string, options: DevClusterOptions = {}): Promise<{ devcluster: DevCluster; kubeconfigPath: string }> {
  const devcluster = await startDevCluster({ port: 0, ...options });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await devcluster.writeKubeconfig(kubeconfigPath);
  return { devcluster, kubeconfigPath };
}

/**
 * Prepares the cluster for one suite: devcluster with a temporary state folder, or the real
 * cluster of KUBEFLASH_TEST_KUBECONFIG, plus a fresh namespace.
 */
export async function useTestCluster(options: { namespacePrefix?: string; devcluster?: DevClusterOptions } = {}): Promise<TestCluster> {
  const workDir = mkdtempSync(join(tmpdir(), 'kubeflash-test-'));
  const cacheDir = join(workDir, 'kube-cache');
  let devcluster: DevCluster | undefined;
  let stateDir: string | undefined;
  let kubeconfigPath: string;
  if (REAL_CLUSTER_KUBECONFIG) {
    kubeconfigPath = REAL_CLUSTER_KUBECONFIG;
  } else {
    stateDir = join(workDir, 'state');
    ({ devcluster, kubeconfigPath } = await startTestDevCluster(workDir, { stateDir, ...options.devcluster }));
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(kubeconfigPath);
  const namespace = uniqueName(options.namespacePrefix ?? 'kf-test');
  await kubeConfig.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: namespace, labels: { 'kubeflash.dev/test': 'true' } } } });

  const streams = new Set<ChildProcess>();
  const cluster: TestCluster = {
    kubeConfig,
    kubeconfigPath,
    namespace,
    devcluster,
    stateDir,
    kubectl: (args, opts) => runKubectl(kubeconfigPath, cacheDir, args, opts),
    kubectlStream(args) {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      streams.add(child);
      let output = '';
      child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
      child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
      const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
      return {
        child,
        output: () => output,
        stop: async () => {
          if (child.exitCode === null) child.kill('SIGTERM');
          await exited;
          streams.delete(child);
        },
      };
    },
    async cleanup() {
      for (const child of streams) child.kill('SIGTERM');
      try {
        await kubeConfig.makeApiClient(CoreV1Api).deleteNamespace({ name: namespace });
      } catch {
        // already gone, or the cluster is unreachable: nothing left to clean
      }
      await cluster.devcluster?.stop();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
  return cluster;
}

/** Polls until `check` returns a value other than undefined (or throws on timeout with `what`). */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
