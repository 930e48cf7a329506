import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export { freePort } from '../../bench/support/free-port';

const ROOT = resolve(__dirname, '../..');
export const API_MAIN = resolve(ROOT, 'dist/apps/api/src/main.js');
export const WORKER_MAIN = resolve(ROOT, 'dist/apps/worker/src/main.js');

export interface AppProcess {
  child: ChildProcess;
  output(): string;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
  /** SIGKILL: a crash, no clean-up. */
  kill(): Promise<void>;
}

/**
 * Starts a built app (`npm test` builds first) as a real process and resolves once `ready` matches
 * its output. The e2e tests drive the same binaries a user runs.
 */
export async function startProcess(
  main: string,
  env: Record<string, string>,
  ready: RegExp,
  timeoutMs = 30_000,
  options: { cwd?: string } = {},
): Promise<AppProcess> {
  const child = spawn(process.execPath, [main], {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await new Promise<void>((resolveReady, reject) => {
    const timer = setTimeout(() => {
      // Not ready in time: the caller gets no handle to stop it, so it must not outlive the test.
      child.kill('SIGKILL');
      reject(new Error(`${main} not ready in ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (ready.test(output)) {
        clearTimeout(timer);
        resolveReady();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${main} exited with ${code} before it was ready:\n${output}`));
    });
  });
  const stopWith = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { child, output: () => output, stop: () => stopWith('SIGTERM'), kill: () => stopWith('SIGKILL') };
}
