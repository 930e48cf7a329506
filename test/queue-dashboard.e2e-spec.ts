import { startQueueMode, type QueueModeEnv } from './support/queue';

const TOKEN = 'dashboard-token-for-tests-0123';

/**
 * The bull-board queue dashboard (issue 16): off unless QUEUE_DASHBOARD is on, and then only for the
 * QUEUE_DASHBOARD_TOKEN (Bearer, or the Basic password a browser sends).
 */
describe('queue dashboard (queue mode)', () => {
  let q: QueueModeEnv;
  let withDashboard: string;

  beforeAll(async () => {
    q = await startQueueMode();
    withDashboard = (await q.api.startInstance({ QUEUE_DASHBOARD: 'true', QUEUE_DASHBOARD_TOKEN: TOKEN }))
      .url;
  });
  afterAll(async () => {
    await q?.close();
  });

  const get = (base: string, path: string, authorization?: string) =>
    fetch(`${base}${path}`, { headers: authorization ? { authorization } : {} });

  it('is not mounted by default: 404', async () => {
    const res = await get(q.api.url, '/admin/queues', `Bearer ${TOKEN}`);
    expect(res.status).toBe(404);
  });

  it('refuses a request without the token, or with a wrong one, asking for Basic credentials', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${basic('x', 'nope')}`]) {
      const res = await get(withDashboard, '/admin/queues', authorization);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
      expect(await res.text()).not.toContain(TOKEN);
    }
    expect((await get(withDashboard, '/admin/queues/api/queues')).status).toBe(401);
  });

  it('serves the dashboard and its queues to the token (Bearer or Basic password)', async () => {
    const page = await get(withDashboard, '/admin/queues', `Bearer ${TOKEN}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const browser = await get(withDashboard, '/admin/queues', `Basic ${basic('operator', TOKEN)}`);
    expect(browser.status).toBe(200);
    const api = await get(withDashboard, '/admin/queues/api/queues', `Bearer ${TOKEN}`);
    expect(api.status).toBe(200);
    const body = (await api.json()) as { queues: { name: string }[] };
    expect(body.queues.map((queue) => queue.name).sort()).toEqual(['knowledge', 'runs', 'webhooks']);
  });

  it('leaves the rest of the API as it was', async () => {
    const account = await q.api.account();
    const res = await fetch(`${withDashboard}/chats`, { headers: { 'X-API-Key': account.key } });
    expect(res.status).toBe(200);
  });
});

function basic(user: string, password: string): string {
  return Buffer.from(`${user}:${password}`).toString('base64');
}
