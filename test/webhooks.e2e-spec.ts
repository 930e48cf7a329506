import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Pool } from 'pg';
import { generateApiKey } from '../libs/auth/src/api-key';
import { call, createAccount, twoAgentFlow, waitFor, type TestAccount } from './support/api';
import { API_MAIN, freePort, startProcess, type AppProcess } from './support/processes';
import { createTestDatabase } from './support/services';
import { startWebhookReceiver, type ReceivedWebhook } from './support/webhook-receiver';

/** The verification snippet exactly as the README documents it. */
function readmeVerifier(): (secret: string, headers: Record<string, unknown>, body: string) => boolean {
  const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
  const match = /<!-- snippet: verify-webhook[^>]*-->\s*```js\n([\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README has no verify-webhook snippet');
  return new Function('require', `${match[1]}\nreturn verifyConclaveWebhook;`)(require);
}

const headerMap = (r: ReceivedWebhook) => r.headers as Record<string, string>;

jest.setTimeout(180_000);

describe('webhooks: signed, retried, durable deliveries', () => {
  let database: { url: string; drop(): Promise<void> };
  let db: Pool;
  let api: AppProcess;
  let base: string;
  let account: TestAccount;

  const env = () => ({
    DATABASE_URL: database.url,
    HOST: '127.0.0.1',
    SEED_DEMO: 'false',
    RATE_LIMIT_PER_MINUTE: '1000000',
    EGRESS_ALLOWED_HOSTS: '127.0.0.1',
    // Fast retries for the test: 2 s, 4 s, 8 s... (the default starts at 10 s).
    WEBHOOK_RETRY_BASE_MS: '2000',
    WEBHOOK_POLL_MS: '100',
    WEBHOOK_DISABLE_AFTER_FAILURES: '3',
  });
  const startApi = async () => {
    const port = await freePort();
    api = await startProcess(API_MAIN, { ...env(), PORT: String(port) }, /listening on/);
    base = `http://127.0.0.1:${port}`;
  };
  const request = (method: string, path: string, body?: unknown) =>
    call(base, method, path, body, { 'X-API-Key': account.key });
  // Not account.createFlow: the API's address changes when it restarts.
  const createFlow = async (flow: ReturnType<typeof twoAgentFlow>) => {
    const res = await request('POST', '/flows', flow);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await startApi();
    db = new Pool({ connectionString: database.url, max: 2 });
    account = await createAccount(db, base);
  });

  afterAll(async () => {
    await api?.stop();
    await db?.end();
    await database?.drop();
  });

  it('validates endpoints, shows the secret once and refuses agent-scoped keys', async () => {
    const bad = await request('POST', '/webhooks', { url: 'ftp://example.com/x' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.message)).toContain('url');
    const badEvent = await request('POST', '/webhooks', {
      url: 'https://example.com/x',
      events: ['chat.nope'],
    });
    expect(badEvent.status).toBe(400);
    expect(JSON.stringify(badEvent.body.message)).toContain('events');
    const unknown = await request('POST', '/webhooks', { url: 'https://example.com/x', secret: 'mine' });
    expect(unknown.status).toBe(400);

    const created = await request('POST', '/webhooks', { url: 'https://example.com/x' });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_/);
    expect(created.body.events).toContain('input.requested');
    const fetched = await request('GET', `/webhooks/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.secret).toBeUndefined();
    expect(JSON.stringify((await request('GET', '/webhooks')).body)).not.toContain(created.body.secret);

    const other = await createAccount(db, base);
    expect((await other.request('GET', `/webhooks/${created.body.id}`)).status).toBe(404);
    expect((await request('GET', '/webhooks/not-a-uuid')).status).toBe(404);

    // A key scoped to an agent (what a website embeds) manages nothing.
    const flowId = await createFlow(twoAgentFlow());
    const agent = await request('POST', '/agents', { name: 'site', flow_id: flowId });
    const scoped = generateApiKey();
    await db.query(
      `INSERT INTO api_keys (account_id, agent_id, name, prefix, key_hash) VALUES ($1, $2, 'site', $3, $4)`,
      [account.id, agent.body.id, scoped.prefix, scoped.hash],
    );
    const asScoped = (method: string, path: string, body?: unknown) =>
      call(base, method, path, body, { 'X-API-Key': scoped.secret });
    expect((await asScoped('GET', '/webhooks')).status).toBe(403);
    expect((await asScoped('POST', '/webhooks', { url: 'https://example.com/y' })).status).toBe(403);
    expect((await asScoped('GET', `/webhooks/${created.body.id}/deliveries`)).status).toBe(403);

    expect((await request('DELETE', `/webhooks/${created.body.id}`)).status).toBe(204);
    expect((await request('GET', `/webhooks/${created.body.id}`)).status).toBe(404);
  });

  it('delivers a human-input loop signed; 500, restart, 500, 200 → 3 attempts, nothing lost', async () => {
    // The first delivery answers 500 twice, then 200; every other delivery succeeds at once.
    let firstId: string | undefined;
    const receiver = await startWebhookReceiver((req, previous) => {
      const id = req.headers['webhook-id'] as string;
      firstId ??= id;
      return id === firstId && previous.filter((p) => p.headers['webhook-id'] === id).length < 2 ? 500 : 200;
    });
    try {
      const created = await request('POST', '/webhooks', {
        url: receiver.url,
        events: ['input.requested', 'run.completed'],
      });
      expect(created.status).toBe(201);
      const { id: endpointId, secret } = created.body;

      const flowId = await createFlow(twoAgentFlow(['Hello! What can I do?', 'TERMINATE']));
      const chat = await request('POST', '/chats', { name: 'hooks', from_type: 'flow', from_flow: flowId });
      expect((await request('POST', `/chats/${chat.body.id}/messages`, { message: 'hi' })).status).toBe(202);

      // Attempt 1 fails (500); restart the API before the retry is due.
      await waitFor(async () => receiver.received.length >= 1);
      await api.stop();
      const [pending] = (
        await db.query(`SELECT status, attempts FROM webhook_deliveries WHERE endpoint_id = $1`, [endpointId])
      ).rows;
      // Normally 1; 2 if the first retry fell due before the (slow, shared) machine stopped the API.
      expect(pending.status).toBe('pending');
      expect([1, 2]).toContain(pending.attempts);
      await startApi();

      const first = () => receiver.received.filter((r) => r.headers['webhook-id'] === firstId);
      await waitFor(async () => first().some((r) => r.status === 200), 60_000);
      expect(first().map((r) => r.status)).toEqual([500, 500, 200]);
      const delivered = JSON.parse(first()[2].body);
      expect(delivered).toMatchObject({ type: 'input.requested', chat_id: chat.body.id });
      expect(delivered.data.input_request).toBeTruthy();
      expect(typeof delivered.seq).toBe('number');

      // Answer "exit": the loop ends and run.completed is delivered.
      const answered = await request('POST', `/chats/${chat.body.id}/input`, { message: 'exit' });
      expect(answered.status).toBe(202);
      await waitFor(
        async () => receiver.received.some((r) => JSON.parse(r.body).type === 'run.completed'),
        60_000,
      );

      // The delivery log (recorded just after the receiver answered): 3 attempts, then 1.
      const log = await waitFor(async () => {
        const res = await request('GET', `/webhooks/${endpointId}/deliveries`);
        return res.body.data.every((d: any) => d.status === 'succeeded') && res;
      });
      const byType = Object.fromEntries(log.body.data.map((d: any) => [d.event_type, d]));
      expect(byType['input.requested']).toMatchObject({
        status: 'succeeded',
        attempts: 3,
        last_response_code: 200,
      });
      expect(byType['input.requested'].attempt_log.map((a: any) => a.response_code)).toEqual([500, 500, 200]);
      expect(byType['run.completed']).toMatchObject({
        status: 'succeeded',
        attempts: 1,
        last_response_code: 200,
      });
      expect(byType['input.requested'].id).toBe(firstId);

      // Every request verifies with the README snippet; a tampered body or another secret does not.
      const verify = readmeVerifier();
      for (const r of receiver.received) expect(verify(secret, headerMap(r), r.body)).toBe(true);
      const sample = receiver.received[0];
      expect(
        verify(secret, headerMap(sample), sample.body.replace('input.requested', 'input.requestee')),
      ).toBe(false);
      expect(verify('whsec_' + Buffer.alloc(24, 7).toString('base64'), headerMap(sample), sample.body)).toBe(
        false,
      );
      expect(
        verify(
          secret,
          { ...headerMap(sample), 'webhook-signature': 'v1,' + Buffer.alloc(32).toString('base64') },
          sample.body,
        ),
      ).toBe(false);

      // Manual redelivery sends the same delivery (same webhook-id) again.
      const before = first().length;
      const redelivered = await request('POST', `/webhooks/${endpointId}/deliveries/${firstId}/redeliver`);
      expect(redelivered.status).toBe(202);
      await waitFor(async () => first().length > before);
      await waitFor(
        async () =>
          (await request('GET', `/webhooks/${endpointId}/deliveries/${firstId}`)).body.attempts === 4,
      );
      expect(
        (await request('POST', `/webhooks/${endpointId}/deliveries/${endpointId}/redeliver`)).status,
      ).toBe(404);
      await request('DELETE', `/webhooks/${endpointId}`);
    } finally {
      await receiver.close();
    }
  });

  it('disables an endpoint after a failure streak and says so to the other endpoints', async () => {
    const failing = await startWebhookReceiver(() => 503);
    const watcher = await startWebhookReceiver(() => 200);
    try {
      const broken = await request('POST', '/webhooks', { url: failing.url, events: ['message.created'] });
      const watching = await request('POST', '/webhooks', { url: watcher.url, events: ['webhook.disabled'] });
      expect(watching.status).toBe(201);
      const flowId = await createFlow(twoAgentFlow(['one', 'TERMINATE']));
      const chat = await request('POST', '/chats', { name: 'streak', from_type: 'flow', from_flow: flowId });
      await request('POST', `/chats/${chat.body.id}/messages`, { message: 'hi' });

      const notice = await waitFor(
        async () => watcher.received.find((r) => JSON.parse(r.body).type === 'webhook.disabled'),
        60_000,
      );
      expect(JSON.parse(notice.body).data).toMatchObject({ endpoint_id: broken.body.id, url: failing.url });
      const endpoint = await request('GET', `/webhooks/${broken.body.id}`);
      expect(endpoint.body.enabled).toBe(false);
      expect(endpoint.body.failure_streak).toBeGreaterThanOrEqual(3);
      expect(endpoint.body.disabled_reason).toMatch(/^\d+ consecutive failed attempts$/);
      expect(failing.received.length).toBeGreaterThanOrEqual(3);
      // Its deliveries wait, pending, for a re-enable.
      const pending = await request('GET', `/webhooks/${broken.body.id}/deliveries?status=pending`);
      expect(pending.body.data.length).toBeGreaterThan(0);
      const reenabled = await request('PATCH', `/webhooks/${broken.body.id}`, { enabled: true });
      expect(reenabled.body).toMatchObject({ enabled: true, failure_streak: 0, disabled_reason: null });
    } finally {
      await failing.close();
      await watcher.close();
    }
  });
});
