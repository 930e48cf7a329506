/**
 * `npm run bench:p2` — how soon a person sees their own message (BENCHMARKS.md, "P2"): queue mode
 * (API + 1 worker), one socket.io subscriber on a chat of the one-turn flow; per run, the time from
 * `POST /chats/{id}/messages` to the first `message.created` on the socket, and to the agent's reply.
 * Compared with the naive pipeline (BullMQ → model → INSERT → PUBLISH → subscriber) measured in the
 * same run. Goal: p50 ≤ 2× the naive pipeline's.
 *
 * Env: BENCH_RUNS (default 100), BENCH_RECORD=false.
 */
import { expectStatus } from './support/http';
import { createChat, oneTurnFlow, REDIS_URL, startConclave } from './support/conclave';
import { percentile, sequential } from './support/load';
import { measureNaivePipeline } from './support/naive-pipeline';
import { connectSocket, EventInbox, subscribeChat } from './support/realtime';
import { fmt, machineSummary, markdownTable, reportResult, runBench } from './support/report';

const RUNS = Number(process.env.BENCH_RUNS ?? 100);

async function main(): Promise<void> {
  console.log(`bench:p2 — ${machineSummary()}`);
  const conclave = await startConclave({ mode: 'queue' });
  try {
    const naive = await measureNaivePipeline(conclave.databaseUrl, REDIS_URL, RUNS);
    console.log(`naive pipeline: p50 ${fmt(percentile(naive, 50))} ms, p99 ${fmt(percentile(naive, 99))} ms`);

    const flow = await conclave.createFlow(oneTurnFlow());
    const chatId = await createChat(conclave.client, flow, 'p2');
    const inbox = new EventInbox();
    const socket = await connectSocket(conclave.url, { apiKey: conclave.secret }, inbox.onEvent);
    await subscribeChat(socket, chatId);
    const toReply: number[] = [];
    const run = async () => {
      const created = inbox.next((e) => e.type === 'message.created');
      const reply = inbox.next((e) => e.type === 'message.created' && e.data?.sender === 'assistant');
      const ended = inbox.next((e) => e.type === 'run.completed' || e.type === 'run.failed');
      const t0 = Date.now();
      expectStatus(
        await conclave.client.call('POST', `/chats/${chatId}/messages`, { message: 'hi' }),
        202,
        'POST /messages',
      );
      const [, firstAt] = await created;
      const [, replyAt] = await reply;
      const [end] = await ended;
      if (end.type !== 'run.completed') throw new Error(`run failed: ${JSON.stringify(end.data)}`);
      toReply.push(replyAt - t0);
      return firstAt - t0;
    };
    for (let i = 0; i < 10; i++) await run(); // warm-up
    toReply.length = 0;
    const toFirst: number[] = [];
    await sequential(RUNS, async () => void toFirst.push(await run()));
    socket.close();

    const p50 = percentile(toFirst, 50);
    const naiveP50 = percentile(naive, 50);
    const table = markdownTable(
      ['figure', 'p50 ms', 'p99 ms'],
      [
        ['naive pipeline: job added → subscriber', fmt(naiveP50), fmt(percentile(naive, 99))],
        ['Conclave: POST message → first `message.created`', fmt(p50), fmt(percentile(toFirst, 99))],
        [
          'Conclave: POST message → agent reply `message.created`',
          fmt(percentile(toReply, 50)),
          fmt(percentile(toReply, 99)),
        ],
      ],
    );
    const verdict = `ratio first event ÷ naive pipeline (p50): ${fmt(p50 / naiveP50, 2)}× (goal ≤ 2×)`;
    reportResult(
      'P2',
      'bench:p2',
      `BENCH_RUNS=${RUNS}, queue mode (API + 1 worker)`,
      `${table}\n\n${verdict}`,
    );
  } finally {
    await conclave.stop();
  }
}

runBench(main);
