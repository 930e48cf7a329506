import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

export { freePort } from './free-port';

/** The repository root, from `dist/bench/support/` (benches run the built dist). */
export const ROOT = resolve(__dirname, '../../..');
export const API_MAIN = resolve(ROOT, 'dist/apps/api/src/main.js');
export const WORKER_MAIN = resolve(ROOT, 'dist/apps/worker/src/main.js');

export interface ServerProcess {
  name: string;
  pid: number;
  child: ChildProcess;
  output(): string;
  /** SIGTERM, SIGKILL after 5 s; resolves once the process has exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Resolves `start` once the output matches, or once the probe answers true (polled). */
  ready: RegExp | (() => Promise<boolean>);
  cwd?: string;
  timeoutMs?: number;
  /** Echo the process's output (a server's warnings and errors under load are worth seeing). */
  echo?: boolean;
}

/** Starts a server process in its own process group and waits until it is ready. */
export async function startServer(opts: StartOptions): Promise<ServerProcess> {
  const child = spawn(opts.command, opts.args, {
    cwd: opts.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const onData = (chunk: Buffer) => {
    output = keepTail(output + chunk.toString());
    if (opts.echo) process.stderr.write(`[${opts.name}] ${chunk.toString()}`);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`${opts.name} exited before it was ready:\n${output}`);
    const ready = opts.ready;
    if (ready instanceof RegExp ? ready.test(output) : await ready().catch(() => false)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${opts.name} not ready in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { name: opts.name, pid: child.pid!, child, output: () => output, stop };
}

/** Starts a built Conclave app (`dist/apps/...`) with node; its log (`LOG_LEVEL=warn`) is echoed. */
export function startNodeApp(
  name: string,
  main: string,
  env: Record<string, string>,
  ready: RegExp,
  nodeArgs: string[] = [],
): Promise<ServerProcess> {
  return startServer({
    name,
    command: process.execPath,
    args: [...nodeArgs, main],
    env,
    ready,
    echo: true,
  });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal); // the whole group: a CLI's server child goes too
  } catch {
    child.kill(signal);
  }
}

function keepTail(text: string): string {
  return text.length > 100_000 ? text.slice(-50_000) : text;
}
