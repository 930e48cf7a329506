/**
 * `npm run bench:fan-out` — one chat watched by many (BENCHMARKS.md, "Fan-out"): `BENCH_SUBSCRIBERS`
 * (1,000) socket.io clients subscribed to one chat of the API (queue mode, API + 1 worker), then
 * `BENCH_RUNS` (20) one-turn runs on that chat, one after the other. Per `message.created`, the slowest
 * client's delay (its arrival − the event's `created_at`). Baseline in the same run: a bare socket.io
 * server process broadcasting to the same number of clients in one room (arrival − send time).
 * Goal: slowest-client p50 ≤ 2× the bare broadcast's.
 */
import { resolve } from 'node:path';
import type { Socket } from 'socket.io-client';
import { expectStatus } from './support/http';
import { createChat, oneTurnFlow, startConclave } from './support/conclave';
import { percentile, sleep } from './support/load';
import { freePort, startNodeApp } from './support/processes';
import { connectSocket, type Envelope, subscribeChat } from './support/realtime';
import { fmt, machineSummary, markdownTable, reportResult, runBench } from './support/report';

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const CONNECT_BATCH = 50;

/** Arrival times per event key, and each event's reference time (sent or created). */
class Arrivals {
  readonly at = new Map<number, number[]>();
  readonly reference = new Map<number, number>();

  record(key: number, reference: number, receivedAt: number): void {
    this.reference.set(key, reference);
    const times = this.at.get(key);
    // In place: copying the list per arrival was O(n²) per event in the process that times the clients.
    if (times) times.push(receivedAt);
    else this.at.set(key, [receivedAt]);
  }

  /** Resolves once every client has event `key`. */
  async complete(key: number, clients: number, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.at.get(key)?.length ?? 0) < clients) {
      if (Date.now() > deadline)
        throw new Error(`event ${key}: ${this.at.get(key)?.length ?? 0}/${clients} clients`);
      await sleep(5);
    }
  }

  /** Slowest client's delay and the spread (slowest − fastest) per event, ms. */
  delays(): { slowest: number[]; spread: number[]; incomplete: number } {
    const slowest: number[] = [];
    const spread: number[] = [];
    let incomplete = 0;
    for (const [key, times] of this.at) {
      if (times.length < SUBSCRIBERS) incomplete++;
      slowest.push(Math.max(...times) - this.reference.get(key)!);
      spread.push(Math.max(...times) - Math.min(...times));
    }
    return { slowest, spread, incomplete };
  }
}

async function connectMany(connect: () => Promise<Socket>): Promise<Socket[]> {
  const sockets: Socket[] = [];
  while (sockets.length < SUBSCRIBERS) {
    const batch = Math.min(CONNECT_BATCH, SUBSCRIBERS - sockets.length);
    sockets.push(...(await Promise.all(Array.from({ length: batch }, connect))));
  }
  return sockets;
}

async function bareBroadcast(): Promise<Arrivals> {
  const port = await freePort();
  const server = await startNodeApp(
    'bare socket.io',
    resolve(__dirname, 'support/bare-broadcast-server.js'),
    { PORT: String(port) },
    /listening/,
  );
  const arrivals = new Arrivals();
  const url = `http://127.0.0.1:${port}`;
  try {
    const sockets = await connectMany(() =>
      connectSocket(url, {}, (e, at) =>
        arrivals.record(e.seq!, (e as unknown as { sent_at: number }).sent_at, at),
      ),
    );
    const driver = sockets[0];
    for (let key = 1; key <= 2 * RUNS; key++) {
      await driver.emitWithAck('broadcast', key);
      await arrivals.complete(key, SUBSCRIBERS);
    }
    for (const s of sockets) s.close();
    return arrivals;
  } finally {
    await server.stop();
  }
}

async function conclaveFanOut(): Promise<Arrivals> {
  const conclave = await startConclave({
    mode: 'queue',
    env: { MAX_SOCKETS_PER_ACCOUNT: String(SUBSCRIBERS + 100) },
  });
  const arrivals = new Arrivals();
  try {
    const flow = await conclave.createFlow(oneTurnFlow());
    const chatId = await createChat(conclave.client, flow, 'fan-out');
    const onEvent = (e: Envelope, at: number) => {
      if (e.type === 'message.created') arrivals.record(e.seq!, Date.parse(e.created_at), at);
    };
    const sockets = await connectMany(() =>
      connectSocket(conclave.url, { apiKey: conclave.secret }, onEvent),
    );
    for (const s of sockets) await subscribeChat(s, chatId);
    for (let i = 0; i < RUNS; i++) {
      const sent = expectStatus(
        await conclave.client.call('POST', `/chats/${chatId}/messages?wait=true`, { message: 'hi' }),
        202,
        'POST /messages?wait=true',
      ).body;
      if (sent.chat?.status !== 'completed')
        throw new Error(`run did not complete: ${JSON.stringify(sent.chat)}`);
      for (const key of [...arrivals.at.keys()]) await arrivals.complete(key, SUBSCRIBERS);
    }
    for (const s of sockets) s.close();
    return arrivals;
  } finally {
    await conclave.stop();
  }
}

async function main(): Promise<void> {
  console.log(`bench:fan-out — ${machineSummary()}`);
  const bare = (await bareBroadcast()).delays();
  console.log(`bare socket.io, ${SUBSCRIBERS} clients: slowest p50 ${fmt(percentile(bare.slowest, 50))} ms`);
  const ours = (await conclaveFanOut()).delays();
  const table = markdownTable(
    [
      'per broadcast, ms',
      'slowest client p50',
      'slowest client p95',
      'spread (slowest − fastest) p50',
      'events',
    ],
    [
      [
        `bare socket.io (send → arrival)`,
        fmt(percentile(bare.slowest, 50)),
        fmt(percentile(bare.slowest, 95)),
        fmt(percentile(bare.spread, 50)),
        String(bare.slowest.length),
      ],
      [
        `Conclave \`message.created\` (created_at → arrival)`,
        fmt(percentile(ours.slowest, 50)),
        fmt(percentile(ours.slowest, 95)),
        fmt(percentile(ours.spread, 50)),
        `${ours.slowest.length} (${ours.incomplete} incomplete)`,
      ],
    ],
  );
  const verdict = `ratio slowest-client p50 Conclave ÷ bare: ${fmt(percentile(ours.slowest, 50) / percentile(bare.slowest, 50), 2)}× (goal ≤ 2×)`;
  reportResult(
    'Fan-out',
    'bench:fan-out',
    `${SUBSCRIBERS} subscribers on one chat, ${RUNS} one-turn runs, queue mode (API + 1 worker)`,
    `${table}\n\n${verdict}`,
  );
}

runBench(main);
