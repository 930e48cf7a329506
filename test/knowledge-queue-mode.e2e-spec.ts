import { Queue } from 'bullmq';
import type Redis from 'ioredis';
import { tinyPdf } from '../libs/knowledge/src/testing/tiny-pdf';
import { waitFor, type TestAccount } from './support/api';
import { startQueueMode, type QueueModeEnv } from './support/queue';
import { connectRealtime } from './support/realtime';

/**
 * Knowledge indexing in queue mode: the API only records a source and enqueues a BullMQ job on the
 * `knowledge` queue; a worker process indexes it and its progress reaches the API's socket.io
 * subscribers over the Redis bus. With no worker running, sources stay pending (the API does not
 * index them itself) and are picked up once a worker starts.
 */
describe('Knowledge bases in queue mode', () => {
  let q: QueueModeEnv;
  let a: TestAccount;
  let knowledgeQueue: Queue;
  let connection: Redis;

  beforeAll(async () => {
    q = await startQueueMode({ env: { EGRESS_ALLOWED_HOSTS: '127.0.0.1' } });
    a = await q.api.account();
    connection = q.redis.duplicate();
    knowledgeQueue = new Queue('knowledge', { connection, prefix: q.prefix });
  });
  afterAll(async () => {
    await knowledgeQueue?.obliterate({ force: true }).catch(() => undefined);
    await knowledgeQueue?.close();
    connection?.disconnect();
    await q?.close();
  });

  it('queues sources for workers, which index them and report progress over the Redis bus', async () => {
    const base = (await a.request('POST', '/knowledge-bases', { name: 'Docs' })).body;
    const text = await a.request('POST', `/knowledge-bases/${base.id}/sources`, {
      type: 'text',
      title: 'Opening hours',
      content: '# Opening hours\nThe shop opens at nine and closes at six, Monday to Saturday.',
    });
    expect(text.status).toBe(202);
    const form = new FormData();
    form.append(
      'file',
      new Blob([tinyPdf(['Returns are accepted for fourteen days.'])], { type: 'application/pdf' }),
      'returns.pdf',
    );
    const pdf = await fetch(`${q.api.url}/knowledge-bases/${base.id}/sources`, {
      method: 'POST',
      body: form,
      headers: { 'X-API-Key': a.key },
    });
    expect(pdf.status).toBe(202);
    const pdfSource = (await pdf.json()) as { id: string };

    // No worker yet: the jobs wait in Redis and the API indexes nothing itself.
    await waitFor(async () => (await knowledgeQueue.getJobCounts('waiting')).waiting >= 2);
    const pending = (await a.request('GET', `/knowledge-bases/${base.id}/sources`)).body;
    expect(pending.map((s: any) => s.status)).toEqual(['pending', 'pending']);

    const events = await connectRealtime(q.api.url, a.key);
    await events.socket.timeout(5000).emitWithAck('subscribe_account', {});
    await q.startWorker();
    await events.until(
      (all) =>
        [text.body.id, pdfSource.id].every((id) =>
          all.some(
            (e) => e.type === 'knowledge.source' && e.data.source_id === id && e.data.status === 'ready',
          ),
        ),
      60_000,
    );
    events.close();

    const sources = (await a.request('GET', `/knowledge-bases/${base.id}/sources`)).body;
    expect(sources.map((s: any) => [s.status, s.chunk_count])).toEqual([
      ['ready', 1],
      ['ready', 1],
    ]);
    const hits = (
      await a.request('POST', `/knowledge-bases/${base.id}/search`, { query: 'when does the shop close?' })
    ).body.results;
    expect(hits[0]).toMatchObject({ source_id: text.body.id, title: 'Opening hours' });
    const returns = (
      await a.request('POST', `/knowledge-bases/${base.id}/search`, { query: 'returns fourteen days' })
    ).body.results;
    expect(returns[0].source_id).toBe(pdfSource.id);
  });
});
