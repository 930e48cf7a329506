import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectStatus, type JsonClient, jsonClient } from './http';
import { freePort, type ServerProcess, startServer } from './processes';

/**
 * The peer for `bench:peers`: the LangGraph JS Agent Server in dev mode (in memory), installed on
 * demand into a scratch directory OUTSIDE the repository — never a dependency of the project. Its
 * graphs call a fake chat model with a fixed reply (no network). Versions: the ones known to install
 * and run on Node 20 (BENCH_LANGGRAPH_CLI / BENCH_LANGGRAPH / BENCH_LANGCHAIN_CORE override them).
 */
export const LANGGRAPH_DIR = process.env.BENCH_PEERS_DIR ?? join(tmpdir(), 'conclave-bench-peers');

const VERSIONS = {
  '@langchain/langgraph-cli': process.env.BENCH_LANGGRAPH_CLI ?? '2.0.0',
  '@langchain/langgraph': process.env.BENCH_LANGGRAPH ?? '1.7.3',
  '@langchain/core': process.env.BENCH_LANGCHAIN_CORE ?? '1.4.0',
};

/** `agent`: START → model → END. `hitl`: model → human (`interrupt()`) → model, resumed by a command. */
const GRAPHS = `import { END, interrupt, MessagesAnnotation, START, StateGraph } from '@langchain/langgraph';
import { FakeListChatModel } from '@langchain/core/utils/testing';

const model = new FakeListChatModel({ responses: ['pong'] });

async function callModel(state: typeof MessagesAnnotation.State) {
  return { messages: [await model.invoke(state.messages)] };
}

function askHuman() {
  const answer = interrupt('your answer?');
  return { messages: [{ role: 'user', content: String(answer) }] };
}

export const graph = new StateGraph(MessagesAnnotation)
  .addNode('agent', callModel)
  .addEdge(START, 'agent')
  .addEdge('agent', END)
  .compile();

export const hitl = new StateGraph(MessagesAnnotation)
  .addNode('agent', callModel)
  .addNode('human', askHuman)
  .addNode('agent2', callModel)
  .addEdge(START, 'agent')
  .addEdge('agent', 'human')
  .addEdge('human', 'agent2')
  .addEdge('agent2', END)
  .compile();
`;

export interface LangGraphPeer {
  url: string;
  /** Installed versions, e.g. `@langchain/langgraph-api 2.0.0`. */
  versions: string;
  server: ServerProcess;
  client: JsonClient;
  stop(): Promise<void>;
}

/** Installs (once) and starts the peer; throws with the reason when it cannot. */
export async function startLangGraph(log: (line: string) => void): Promise<LangGraphPeer> {
  install(log);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const client = jsonClient(url);
  const server = await startServer({
    name: 'langgraph',
    command: join(LANGGRAPH_DIR, 'node_modules/.bin/langgraphjs'),
    args: ['dev', '--no-browser', '--port', String(port), '--host', '127.0.0.1'],
    cwd: LANGGRAPH_DIR,
    env: {
      LANGGRAPH_CLI_NO_ANALYTICS: '1',
      LANGSMITH_TRACING: 'false',
      LANGCHAIN_TRACING_V2: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
    },
    ready: async () => (await client.call('GET', '/ok')).status === 200,
    timeoutMs: 180_000,
  });
  return {
    url,
    versions: installedVersions(),
    server,
    client,
    stop: async () => {
      await client.close().catch(() => undefined);
      await server.stop();
    },
  };
}

/** One run on the peer: create a thread, run the one-node graph and wait; checks the reply came back. */
export async function langGraphCreateAndWait(client: JsonClient): Promise<string> {
  const { threadId, values } = await newThreadRun(client, 'agent');
  expectMessages(values, 2);
  return threadId;
}

/** The human-in-the-loop graph up to its `interrupt()`; the thread's id. */
export async function langGraphUntilInterrupt(client: JsonClient): Promise<string> {
  const { threadId, values } = await newThreadRun(client, 'hitl');
  if (!Array.isArray(values?.__interrupt__)) {
    throw new Error(
      `expected the peer's run to stop at interrupt(), got: ${JSON.stringify(values).slice(0, 500)}`,
    );
  }
  return threadId;
}

/** `POST /threads`, then `runs/wait` of `graph` with one user message; the thread and the state it returned. */
async function newThreadRun(client: JsonClient, graph: string): Promise<{ threadId: string; values: any }> {
  const thread = expectStatus(await client.call('POST', '/threads', {}), 200, 'POST /threads').body;
  const values = expectStatus(
    await client.call('POST', `/threads/${thread.thread_id}/runs/wait`, {
      assistant_id: graph,
      input: { messages: [{ role: 'user', content: 'hi' }] },
    }),
    200,
    `POST /threads/{id}/runs/wait (${graph})`,
  ).body;
  return { threadId: thread.thread_id, values };
}

/** Resume an interrupted thread with the human's answer and wait for the graph to end. */
export async function langGraphResume(client: JsonClient, threadId: string): Promise<void> {
  const run = expectStatus(
    await client.call('POST', `/threads/${threadId}/runs/wait`, {
      assistant_id: 'hitl',
      command: { resume: 'more' },
    }),
    200,
    'POST /threads/{id}/runs/wait (resume)',
  ).body;
  expectMessages(run, 4);
}

function expectMessages(values: any, count: number): void {
  if (values?.messages?.length !== count) {
    throw new Error(`expected ${count} messages from the peer, got: ${JSON.stringify(values).slice(0, 500)}`);
  }
}

function install(log: (line: string) => void): void {
  mkdirSync(join(LANGGRAPH_DIR, 'src'), { recursive: true });
  const pkg = { name: 'conclave-bench-peer', private: true, type: 'module', dependencies: VERSIONS };
  writeIfChanged(join(LANGGRAPH_DIR, 'package.json'), JSON.stringify(pkg, null, 2));
  writeIfChanged(
    join(LANGGRAPH_DIR, 'langgraph.json'),
    JSON.stringify(
      {
        node_version: '20',
        dependencies: ['.'],
        graphs: { agent: './src/agent.ts:graph', hitl: './src/agent.ts:hitl' },
      },
      null,
      2,
    ),
  );
  writeIfChanged(join(LANGGRAPH_DIR, 'src/agent.ts'), GRAPHS);
  const wanted = Object.entries(VERSIONS).every(([name, version]) => installedVersion(name) === version);
  if (wanted) return;
  log(`installing the LangGraph dev server into ${LANGGRAPH_DIR} (npm install, once)…`);
  const npm = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd: LANGGRAPH_DIR,
    encoding: 'utf8',
    timeout: 600_000,
  });
  if (npm.status !== 0) throw new Error(`npm install failed (${npm.status}): ${npm.stderr || npm.error}`);
}

function installedVersions(): string {
  return ['@langchain/langgraph-cli', '@langchain/langgraph-api', '@langchain/langgraph', '@langchain/core']
    .map((name) => `${name} ${installedVersion(name) ?? '?'}`)
    .join(', ');
}

/** A package's installed version, hoisted or nested under the CLI (where `langgraph-api` lands). */
function installedVersion(name: string): string | undefined {
  const places = [
    join(LANGGRAPH_DIR, 'node_modules'),
    join(LANGGRAPH_DIR, 'node_modules/@langchain/langgraph-cli/node_modules'),
  ];
  const file = places.map((dir) => join(dir, name, 'package.json')).find((f) => existsSync(f));
  return file ? (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version : undefined;
}

function writeIfChanged(file: string, text: string): void {
  if (!existsSync(file) || readFileSync(file, 'utf8') !== text) writeFileSync(file, text);
}
