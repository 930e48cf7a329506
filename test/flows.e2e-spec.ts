import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';

describe('flows API', () => {
  let t: TestApi;
  let a: TestAccount;
  let b: TestAccount;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
    b = await t.account();
  });
  afterAll(() => t?.close());

  it('publishes the flow spec JSON Schema without a key', async () => {
    const res = await fetch(`${t.url}/flows/schema`);
    expect(res.status).toBe(200);
    const schema: any = await res.json();
    expect(schema.type).toBe('object');
    expect(schema.required).toEqual(expect.arrayContaining(['name', 'agents', 'chat']));
    expect(JSON.stringify(schema)).toContain('human_input_mode');
  });

  it('publishes an OpenAPI description of the routes at /docs-json', async () => {
    const res = await fetch(`${t.url}/docs-json`);
    expect(res.status).toBe(200);
    const doc: any = await res.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/chats', '/chats/{id}/messages', '/flows', '/api/chat', '/api/v1/chat']),
    );
    expect(doc.components.schemas.FlowSpec.type).toBe('object');
    expect((await fetch(`${t.url}/docs`)).status).toBe(200);
  });

  it('creates, lists, reads, versions and archives flows', async () => {
    const created = await a.request('POST', '/flows', twoAgentFlow());
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      version: 1,
      name: 'two agents',
      archived: false,
    });
    expect(created.body.spec.agents[1].llm).toMatchObject({ provider: 'scripted', delay_ms: 0 });
    const id = created.body.id;

    expect((await a.request('GET', '/flows')).body.map((f: any) => f.id)).toContain(id);
    expect((await b.request('GET', '/flows')).body.map((f: any) => f.id)).not.toContain(id);
    expect((await b.request('GET', `/flows/${id}`)).status).toBe(404);
    expect((await b.request('PUT', `/flows/${id}`, twoAgentFlow())).status).toBe(404);
    expect((await b.request('DELETE', `/flows/${id}`)).status).toBe(404);

    // A chat pins version 1; the edit makes version 2.
    const chat = await a.request('POST', '/chats', { name: 'pinned', from_flow: id });
    const edited = await a.request('PUT', `/flows/${id}`, { ...twoAgentFlow(['v2 reply']), name: 'renamed' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ id, version: 2, name: 'renamed' });
    expect((await a.request('GET', `/flows/${id}?version=1`)).body.name).toBe('two agents');
    expect((await a.request('GET', `/flows/${id}/versions`)).body.map((v: any) => v.version)).toEqual([1, 2]);
    const v1Run = await a.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message: 'hi' });
    expect(v1Run.body.messages[1].content).toBe('Hi there!');
    const v2Chat = await a.request('POST', '/chats', { name: 'v2', from_flow: id });
    expect(v2Chat.body.flow_version).toBe(2);

    expect((await a.request('DELETE', `/flows/${id}`)).status).toBe(204);
    expect((await a.request('GET', '/flows')).body.map((f: any) => f.id)).not.toContain(id);
    expect((await a.request('POST', '/chats', { name: 'x', from_flow: id })).status).toBe(404);
    // chats pinned to the archived flow keep working
    const after = await a.request('POST', `/chats/${chat.body.id}/input?wait=true`, { message: 'exit' });
    expect(after.body.chat.status).toBe('completed');
  });

  it.each([
    [
      'no agents',
      { name: 'x', agents: [], chat: { type: 'two_agent', initiator: 'a', recipient: 'b' } },
      'agents',
    ],
    [
      'an unknown recipient',
      { name: 'x', agents: [{ name: 'a' }], chat: { type: 'two_agent', initiator: 'a', recipient: 'zed' } },
      'chat.recipient',
    ],
    [
      'a bad provider',
      {
        name: 'x',
        agents: [{ name: 'a' }, { name: 'b', llm: { provider: 'magic' } }],
        chat: { type: 'two_agent', initiator: 'a', recipient: 'b' },
      },
      'agents.1.llm',
    ],
    [
      'a bad human_input_mode',
      {
        name: 'x',
        agents: [{ name: 'a', human_input_mode: 'SOMETIMES' }, { name: 'b' }],
        chat: { type: 'two_agent', initiator: 'a', recipient: 'b' },
      },
      'agents.0.human_input_mode',
    ],
    [
      'a duplicate agent',
      { name: 'x', agents: [{ name: 'a' }, { name: 'a' }], chat: { type: 'group', initiator: 'a' } },
      'agents.1.name',
    ],
  ])('rejects a flow with %s naming the field', async (_, flow, field) => {
    const res = await a.request('POST', '/flows', flow);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
    expect(res.body.message).toMatch(/^Invalid flow spec: /);
    expect(res.body.errors.join('\n')).toContain(field);
  });

  it('imports an Agentok flow and reports what it cannot convert', async () => {
    const fixture = (name: string) =>
      JSON.parse(
        readFileSync(resolve(__dirname, `../apps/api/src/flows/agentok-import/fixtures/${name}`), 'utf8'),
      );
    const ok = await a.request('POST', '/flows/import/agentok', fixture('group-chat.json'));
    expect(ok.status).toBe(201);
    expect(ok.body.flow.spec.chat.type).toBe('group');
    const bad = await a.request('POST', '/flows/import/agentok', fixture('unknown-node.json'));
    expect(bad.status).toBe(400);
    expect(bad.body.errors.join('\n')).toMatch(/node .*unsupported node type/);
    expect((await a.request('POST', '/flows/import/agentok', { nodes: 'no' })).status).toBe(400);
  });
});
