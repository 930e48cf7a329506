import { startTestApi, twoAgentFlow, waitFor, type TestAccount, type TestApi } from './support/api';

/** The Agentok chats API end to end over real HTTP against real Postgres (embedded-mode wiring). */
describe('chats API (Agentok-compatible)', () => {
  let t: TestApi;
  let a: TestAccount;
  let b: TestAccount;
  let flowId: string;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
    b = await t.account();
    flowId = await a.createFlow(twoAgentFlow(['Hi there!', 'Still here.']));
  });
  afterAll(() => t?.close());

  async function newChat(account = a, flow = flowId) {
    const res = await account.request('POST', '/chats', { name: 'c', from_type: 'flow', from_flow: flow });
    expect(res.status).toBe(201);
    return res.body.id as string;
  }

  it('walks the whole status machine: ready → running → wait → running → completed → new run', async () => {
    const id = await newChat();
    expect((await a.request('GET', `/chats/${id}`)).body.status).toBe('ready');

    const sent = await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'Hello' });
    expect(sent.status).toBe(202);
    expect(sent.body.chat.status).toBe('wait_for_human_input');
    expect(sent.body.chat.input_request).toMatchObject({ agent: 'user', kind: 'text' });
    expect(sent.body.messages.map((m: any) => [m.type, m.sender, m.content])).toEqual([
      ['user', 'user', 'Hello'],
      ['assistant', 'assistant', 'Hi there!'],
    ]);

    const answered = await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'More please' });
    expect(answered.status).toBe(202);
    expect(answered.body.chat.status).toBe('wait_for_human_input');
    expect(answered.body.messages.map((m: any) => m.content)).toEqual(['More please', 'Still here.']);

    const exited = await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'exit' });
    expect(exited.body.chat.status).toBe('completed');
    expect(exited.body.chat.termination_reason).toBe('human_exit');
    expect(exited.body.run.status).toBe('completed');

    // A completed chat accepts a new message: a new run, history kept.
    const again = await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'Back again' });
    expect(again.status).toBe(202);
    expect(again.body.chat.status).toBe('wait_for_human_input');
    expect(again.body.run.id).not.toBe(sent.body.run.id);
    const transcript = await a.request('GET', `/chats/${id}/messages`);
    expect(transcript.body.map((m: any) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(transcript.body[4].content).toBe('Back again');
    for (const m of transcript.body) {
      expect(m).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          chat_id: id,
          type: expect.any(String),
          sender: expect.any(String),
        }),
      );
    }

    expect((await a.request('DELETE', `/chats/${id}`)).status).toBe(204);
    expect((await a.request('GET', `/chats/${id}`)).status).toBe(404);
    expect((await a.request('GET', `/chats/${id}/messages`)).status).toBe(404);
  });

  it('without wait returns 202 at once and GET shows the progress', async () => {
    const id = await newChat();
    const sent = await a.request('POST', `/chats/${id}/messages`, { message: 'Hi' });
    expect(sent.status).toBe(202);
    expect(sent.body.run).toMatchObject({ chat_id: id });
    expect(['running', 'wait_for_human_input']).toContain(sent.body.chat.status);
    const settled = await waitFor(async () => {
      const chat = (await a.request('GET', `/chats/${id}`)).body;
      return chat.status === 'wait_for_human_input' ? chat : null;
    });
    expect(settled.input_request.prompt).toContain('assistant');
  });

  it('accepts Agentok client shapes: {type, content} and from_type project', async () => {
    const res = await a.request('POST', '/chats', { name: 'p', from_type: 'project', from_project: flowId });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ from_type: 'project', from_flow: flowId, status: 'ready' });
    const sent = await a.request('POST', `/v1/chats/${res.body.id}/messages?wait=true`, {
      type: 'user',
      content: 'via content',
      sender: 'user',
    });
    expect(sent.body.messages[0].content).toBe('via content');
    const input = await a.request('POST', `/v1/chats/${res.body.id}/input?wait=true`, {
      type: 'user',
      content: 'exit',
    });
    expect(input.body.chat.status).toBe('completed');
  });

  it('an empty answer is valid (AG2 auto-reply), a missing message is 400', async () => {
    const id = await newChat();
    await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'Hello' });
    expect((await a.request('POST', `/chats/${id}/input`, {})).status).toBe(400);
    expect((await a.request('POST', `/chats/${id}/input`, { message: 5 })).status).toBe(400);
    const empty = await a.request('POST', `/chats/${id}/input?wait=true`, { message: '' });
    expect(empty.status).toBe(202);
    // the user proxy auto-replies with its default "" and the assistant answers again
    expect(empty.body.messages.map((m: any) => [m.sender, m.content])).toEqual([
      ['user', ''],
      ['assistant', 'Still here.'],
    ]);
    expect(empty.body.chat.status).toBe('wait_for_human_input');
  });

  it('answers 409 for a message while a run is active and for input when not waiting', async () => {
    const id = await newChat();
    expect((await a.request('POST', `/chats/${id}/input`, { message: 'x' })).status).toBe(409);
    await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'Hello' });
    const busy = await a.request('POST', `/chats/${id}/messages`, { message: 'again' });
    expect(busy.status).toBe(409);
    expect(busy.body).toMatchObject({
      statusCode: 409,
      error: 'Conflict',
      active_run_id: expect.any(String),
    });
  });

  it('runs exactly one run for 20 concurrent messages to one chat', async () => {
    const id = await newChat();
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => a.request('POST', `/chats/${id}/messages`, { message: `m${i}` })),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const { rows } = await t.db.query<{ n: string }>(`SELECT count(*) AS n FROM runs WHERE chat_id = $1`, [
      id,
    ]);
    expect(Number(rows[0].n)).toBe(1);
  });

  it('cancels a waiting run, keeping its messages', async () => {
    const id = await newChat();
    await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'Hello' });
    const cancelled = await a.request('POST', `/chats/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.chat).toMatchObject({ status: 'completed', termination_reason: 'cancelled' });
    expect((await a.request('GET', `/chats/${id}/messages`)).body).toHaveLength(2);
    expect((await a.request('POST', `/chats/${id}/abort`)).body.cancelled).toBe(false);
  });

  it('lists own chats newest first with cursor pagination and a status filter', async () => {
    const c = await t.account();
    const flow = await c.createFlow(twoAgentFlow());
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await newChat(c, flow));
    const page1 = await c.request('GET', '/chats?limit=2');
    expect(page1.body.data.map((x: any) => x.id)).toEqual([ids[4], ids[3]]);
    const page2 = await c.request('GET', `/chats?limit=2&cursor=${page1.body.next_cursor}`);
    expect(page2.body.data.map((x: any) => x.id)).toEqual([ids[2], ids[1]]);
    const page3 = await c.request('GET', `/chats?limit=2&cursor=${page2.body.next_cursor}`);
    expect(page3.body.data.map((x: any) => x.id)).toEqual([ids[0]]);
    expect(page3.body.next_cursor).toBeNull();
    expect((await c.request('GET', '/chats?status=ready')).body.data).toHaveLength(5);
    expect((await c.request('GET', '/chats?status=completed')).body.data).toHaveLength(0);
    expect((await c.request('GET', '/chats?status=bogus')).status).toBe(400);
    expect((await c.request('GET', '/chats?limit=0')).status).toBe(400);
    expect((await c.request('GET', '/chats?cursor=zzz')).status).toBe(400);
  });

  it('pages messages with after/limit', async () => {
    const id = await newChat();
    await a.request('POST', `/chats/${id}/messages?wait=true`, { message: 'Hello' });
    await a.request('POST', `/chats/${id}/input?wait=true`, { message: 'again' });
    const page = await a.request('GET', `/chats/${id}/messages?after=1&limit=2`);
    expect(page.body.map((m: any) => m.seq)).toEqual([2, 3]);
    expect((await a.request('GET', `/chats/${id}/messages?limit=abc`)).status).toBe(400);
  });

  describe('isolation between accounts', () => {
    it("account B sees none of A's chats and gets 404 for each of them", async () => {
      const id = await newChat();
      expect((await b.request('GET', '/chats')).body.data.map((c: any) => c.id)).not.toContain(id);
      for (const [method, path, body] of [
        ['GET', `/chats/${id}`],
        ['DELETE', `/chats/${id}`],
        ['GET', `/chats/${id}/messages`],
        ['POST', `/chats/${id}/messages`, { message: 'hi' }],
        ['POST', `/chats/${id}/input`, { message: 'hi' }],
        ['POST', `/chats/${id}/cancel`],
      ] as const) {
        const res = await b.request(method, path, body);
        expect([method, path, res.status]).toEqual([method, path, 404]);
      }
      expect((await a.request('GET', `/chats/${id}`)).status).toBe(200);
    });

    it("B cannot create a chat from A's flow", async () => {
      const res = await b.request('POST', '/chats', { name: 'x', from_flow: flowId });
      expect(res.status).toBe(404);
    });
  });

  describe('authentication', () => {
    it('401 for a missing, wrong or revoked key; X-API-KEY in any case and Bearer both work', async () => {
      const url = `${t.url}/chats`;
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { 'X-API-Key': 'ck_nope' } })).status).toBe(401);
      const noKey = await (await fetch(url)).json();
      expect(noKey).toMatchObject({ statusCode: 401, error: 'Unauthorized' });
      expect((await fetch(url, { headers: { 'X-API-KEY': a.key } })).status).toBe(200);
      expect((await fetch(url, { headers: { 'x-api-key': a.key } })).status).toBe(200);
      expect((await fetch(url, { headers: { Authorization: `Bearer ${a.key}` } })).status).toBe(200);

      const created = await a.request('POST', '/api-keys', { name: 'temp' });
      expect(created.status).toBe(201);
      const temp = created.body.key as string;
      expect((await fetch(url, { headers: { 'X-API-Key': temp } })).status).toBe(200);
      expect((await a.request('DELETE', `/api-keys/${created.body.id}`)).status).toBe(204);
      expect((await fetch(url, { headers: { 'X-API-Key': temp } })).status).toBe(401);
    });

    it('key management: secret only at creation, list shows prefix, foreign key ids are 404', async () => {
      const created = await a.request('POST', '/api-keys', { name: 'prod' });
      expect(created.body.key).toMatch(/^ck_/);
      expect(created.body.prefix).toBe(created.body.key.slice(0, 10));
      const list = await a.request('GET', '/api-keys');
      const listed = list.body.find((k: any) => k.id === created.body.id);
      expect(listed).toMatchObject({ name: 'prod', prefix: created.body.prefix, revoked_at: null });
      expect(JSON.stringify(list.body)).not.toContain(created.body.key);
      const { rows: stored } = await t.db.query(`SELECT * FROM api_keys WHERE id = $1`, [created.body.id]);
      expect(JSON.stringify(stored)).not.toContain(created.body.key);
      expect((await b.request('DELETE', `/api-keys/${created.body.id}`)).status).toBe(404);
      expect((await a.request('POST', '/api-keys', { name: 7 })).status).toBe(400);
    });
  });

  describe('bad input', () => {
    it.each([
      ['bad JSON', 400, '{"name":'],
      ['a JSON array', 400, '[1,2]'],
      ['wrong types', 400, JSON.stringify({ name: 5, from_flow: 'x' })],
      ['missing from_flow', 400, JSON.stringify({ name: 'x' })],
      [
        'unknown flow id',
        404,
        JSON.stringify({ name: 'x', from_flow: '00000000-0000-0000-0000-000000000000' }),
      ],
      ['malformed flow id', 404, JSON.stringify({ name: 'x', from_flow: 'not-a-uuid' })],
    ])('POST /chats with %s → %i', async (_, status, body) => {
      const res = await a.request('POST', '/chats', body);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({
        statusCode: status,
        message: expect.anything(),
        error: expect.any(String),
      });
    });

    it('a huge body is 413, never a crash', async () => {
      const id = await newChat();
      const res = await a.request('POST', `/chats/${id}/messages`, { message: 'x'.repeat(2 * 1024 * 1024) });
      expect(res.status).toBe(413);
      expect(res.body.statusCode).toBe(413);
      expect((await a.request('GET', `/chats/${id}`)).body.status).toBe('ready');
    });

    it('an over-long or empty message is 400 and starts nothing', async () => {
      const id = await newChat();
      expect(
        (await a.request('POST', `/chats/${id}/messages`, { message: 'x'.repeat(100_001) })).status,
      ).toBe(400);
      expect((await a.request('POST', `/chats/${id}/messages`, { message: '' })).status).toBe(400);
      expect((await a.request('POST', `/chats/${id}/messages`, { message: ['a'] })).status).toBe(400);
      expect((await a.request('POST', `/chats/${id}/messages`, 'null')).status).toBe(400);
      expect((await a.request('GET', `/chats/${id}`)).body.status).toBe('ready');
    });

    it('unknown and malformed chat ids are 404', async () => {
      expect((await a.request('GET', '/chats/00000000-0000-0000-0000-000000000000')).status).toBe(404);
      expect((await a.request('GET', '/chats/12345')).status).toBe(404);
      expect(
        (await a.request('POST', "/chats/'%3B drop table chats/messages", { message: 'x' })).status,
      ).toBe(404);
    });
  });
});
