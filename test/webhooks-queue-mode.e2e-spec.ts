import { Queue } from 'bullmq';
import { twoAgentFlow, waitFor } from './support/api';
import { startQueueMode, type QueueModeEnv } from './support/queue';
import { startWebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

/** Queue mode: the worker delivers webhooks as BullMQ jobs, a failed attempt as a delayed job. */
describe('webhooks in queue mode', () => {
  let qm: QueueModeEnv;

  beforeAll(async () => {
    qm = await startQueueMode({
      env: { EGRESS_ALLOWED_HOSTS: '127.0.0.1', WEBHOOK_RETRY_BASE_MS: '500', WEBHOOK_POLL_MS: '200' },
    });
  });

  afterAll(async () => {
    const connection = qm.redis.duplicate();
    const webhooks = new Queue('webhooks', { connection, prefix: qm.prefix });
    await webhooks.obliterate({ force: true }).catch(() => undefined);
    await webhooks.close();
    connection.disconnect();
    await qm?.close();
  });

  it('retries a 500 from the worker and records both attempts', async () => {
    const receiver = await startWebhookReceiver((_req, previous) => (previous.length === 0 ? 500 : 200));
    try {
      const account = await qm.api.account();
      const hook = await account.request('POST', '/webhooks', {
        url: receiver.url,
        events: ['input.requested'],
      });
      expect(hook.status).toBe(201);
      const flowId = await account.createFlow(twoAgentFlow(['Hello!']));
      const chat = await account.request('POST', '/chats', {
        name: 'q',
        from_type: 'flow',
        from_flow: flowId,
      });

      // Without a worker nothing is delivered (the API only enqueues runs)...
      await account.request('POST', `/chats/${chat.body.id}/messages`, { message: 'hi' });
      await qm.startWorker();
      // ...the worker runs the chat to its input request and delivers it.
      await waitFor(async () => receiver.received.some((r) => r.status === 200), 60_000);
      expect(receiver.received.map((r) => r.status)).toEqual([500, 200]);
      expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(1);
      // Recorded just after the receiver answered.
      const log = await waitFor(async () => {
        const res = await account.request('GET', `/webhooks/${hook.body.id}/deliveries`);
        return res.body.data[0]?.status === 'succeeded' && res;
      });
      expect(log.body.data[0]).toMatchObject({
        event_type: 'input.requested',
        status: 'succeeded',
        attempts: 2,
      });
    } finally {
      await receiver.close();
    }
  });
});
