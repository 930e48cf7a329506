import { randomBytes } from 'node:crypto';
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Client } from 'pg';

/**
 * The naive turn pipeline the P2 figure is compared with (PERFORMANCE baseline, measured in the same
 * run): BullMQ job → instant "model" → Postgres INSERT → Redis PUBLISH → a subscriber. Latency = job
 * added → message received by the subscriber, one job at a time.
 */
export async function measureNaivePipeline(
  databaseUrl: string,
  redisUrl: string,
  count: number,
): Promise<number[]> {
  const prefix = `bench-naive-${randomBytes(4).toString('hex')}`;
  const channel = `${prefix}:bus`;
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(
    `CREATE TABLE IF NOT EXISTS naive_messages (id bigserial PRIMARY KEY, chat text, content text)`,
  );
  const connection = new IORedis(redisUrl, { maxRetriesPerRequest: null });
  const publisher = new IORedis(redisUrl);
  const subscriber = new IORedis(redisUrl);
  const queue = new Queue('turns', { connection, prefix });
  const worker = new Worker(
    'turns',
    async (job) => {
      const content = `reply to ${job.data.text}`; // the instant model
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO naive_messages (chat, content) VALUES ($1, $2) RETURNING id`,
        [job.data.chat, content],
      );
      await publisher.publish(channel, JSON.stringify({ id: rows[0].id, key: job.data.key, content }));
    },
    { connection, prefix, concurrency: 50 },
  );
  const waiting = new Map<string, () => void>();
  await subscriber.subscribe(channel);
  subscriber.on('message', (_channel, text: string) => waiting.get(JSON.parse(text).key)?.());
  await worker.waitUntilReady();
  try {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const key = `k${i}`;
      const received = new Promise<void>((resolve) => waiting.set(key, resolve));
      const t0 = performance.now();
      await queue.add('turn', { chat: 'c1', text: 'hi', key }, { removeOnComplete: true });
      await received;
      latencies.push(performance.now() - t0);
      waiting.delete(key);
    }
    return latencies;
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    await Promise.all([connection.quit(), publisher.quit(), subscriber.quit()]);
    await db.end();
  }
}
