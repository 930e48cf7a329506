/**
 * Preloaded into a benchmarked process (`NODE_OPTIONS=--require …/io-counter.js`, see profile.ts):
 * counts every Postgres query (`pg` Client) and Redis command (`ioredis`) the process sends, with
 * the time until its answer, by statement. SIGUSR2 writes the counts to `/tmp/io-counter-<pid>.json`
 * and resets them, so a bench reads what one window of load cost each process. The apps never load it.
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';

export interface IoCount {
  count: number;
  /** Summed milliseconds from sending to the answer (overlapping queries each count fully). */
  ms: number;
}

export interface IoCounts {
  pid: number;
  pg: Record<string, IoCount>;
  redis: Record<string, IoCount>;
}

let counts: IoCounts = { pid: process.pid, pg: {}, redis: {} };

function record(table: Record<string, IoCount>, key: string, ms: number): void {
  const entry = (table[key] ??= { count: 0, ms: 0 });
  entry.count += 1;
  entry.ms += ms;
}

/** One line per statement shape: whitespace collapsed, cut where literals would start to vary. */
function statementKey(text: unknown): string {
  const sql = typeof text === 'string' ? text : String((text as { text?: string })?.text ?? text);
  return sql.replace(/\s+/g, ' ').trim().slice(0, 110);
}

function patchPg(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as { Client: { prototype: { query: (...args: unknown[]) => unknown } } };
  const original = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const key = statementKey(args[0]);
    const started = performance.now();
    const done = () => record(counts.pg, key, performance.now() - started);
    const callback = args.findIndex((a) => typeof a === 'function');
    if (callback >= 0) {
      const cb = args[callback] as (...r: unknown[]) => void;
      args[callback] = (...r: unknown[]) => {
        done();
        cb(...r);
      };
      return original.apply(this, args);
    }
    const result = original.apply(this, args) as Promise<unknown> | unknown;
    if (result && typeof (result as Promise<unknown>).then === 'function')
      (result as Promise<unknown>).then(done, done);
    return result;
  };
}

function patchRedis(): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Redis = require('ioredis') as {
    prototype: {
      sendCommand: (command: unknown) => unknown;
      defineCommand: (name: string, definition: { lua: string }) => unknown;
    };
  };
  // BullMQ's Lua scripts run as EVALSHA: name them by the command they were defined as.
  const scripts = new Map<string, string>();
  const define = Redis.prototype.defineCommand;
  Redis.prototype.defineCommand = function (this: unknown, name: string, definition: { lua: string }) {
    scripts.set(createHash('sha1').update(definition.lua).digest('hex'), name);
    return define.call(this, name, definition);
  };
  const original = Redis.prototype.sendCommand;
  Redis.prototype.sendCommand = function (this: unknown, command: unknown) {
    const c = command as { name: string; args?: unknown[]; promise?: Promise<unknown> };
    const key = c.name === 'evalsha' ? `evalsha ${scripts.get(String(c.args?.[0])) ?? '?'}` : c.name;
    const started = performance.now();
    const result = original.call(this, command);
    c.promise?.then(
      () => record(counts.redis, key, performance.now() - started),
      () => record(counts.redis, key, performance.now() - started),
    );
    return result;
  };
}

patchPg();
patchRedis();

process.on('SIGUSR2', () => {
  writeFileSync(`/tmp/io-counter-${process.pid}.json`, JSON.stringify(counts));
  counts = { pid: process.pid, pg: {}, redis: {} };
});
