import { startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';

/**
 * Classes of bad input thrown at every route family: each answer is a 4xx in the family's own error
 * shape naming the field, never a 500. Add a route here when you add one.
 */
type Family = 'native' | 'aksita' | 'asyntai';

/** The error text of a family's error shape (and a check that the shape is the family's). */
function errorText(family: Family, body: any): string {
  if (family === 'aksita') {
    expect(body).toMatchObject({ status: false, reason: expect.any(String) });
    return body.reason;
  }
  if (family === 'asyntai') {
    expect(body).toMatchObject({ success: false, error: expect.any(String) });
    return body.error;
  }
  expect(body).toMatchObject({ statusCode: expect.any(Number), error: expect.any(String) });
  return [body.message].flat().join('\n') + (body.errors ? `\n${body.errors.join('\n')}` : '');
}

const NUL = 'a\u0000b';
const deep = (levels: number) => JSON.parse(`${'['.repeat(levels)}${']'.repeat(levels)}`);
/** Built as text: JSON.stringify of a 50k-deep value would itself overflow the stack. */
const deepJson = (prefix: string, suffix: string, levels = 50_000) =>
  `${prefix}${'['.repeat(levels)}${']'.repeat(levels)}${suffix}`;

describe('bad input never 500s (e2e)', () => {
  let t: TestApi;
  let a: TestAccount;
  let flowId: string;
  let chatId: string;
  let conversationId: string;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
    flowId = await a.createFlow(twoAgentFlow(['Hello!']));
    chatId = (await a.request('POST', '/chats', { name: 'c', from_flow: flowId })).body.id;
    await a.request('POST', '/agents', { name: 'site', flow_id: flowId });
    conversationId = (await a.request('POST', '/api/session', {})).body.data.conversation_id;
  }, 60_000);
  afterAll(() => t?.close());

  const flowWith = (patch: (f: any) => void) => {
    const f: any = twoAgentFlow();
    patch(f);
    return f;
  };

  /** [family, method, path, body (object or raw JSON text), field the answer must name] */
  const cases: () => [Family, string, string, unknown, string][] = () => [
    // NUL in text that reaches the database
    ['native', 'POST', '/chats', { name: NUL, from_flow: flowId }, 'name'],
    ['native', 'POST', '/chats', { from_flow: flowId, metadata: { note: NUL } }, 'metadata.note'],
    ['native', 'POST', '/chats', { from_flow: flowId, metadata: { [NUL]: 1 } }, 'metadata'],
    ['native', 'POST', `/chats/${chatId}/messages`, { message: NUL }, 'message'],
    ['native', 'POST', `/chats/${chatId}/input`, { message: NUL }, 'message'],
    [
      'native',
      'POST',
      '/flows',
      flowWith((f) => (f.agents[1].system_message = NUL)),
      'agents.1.system_message',
    ],
    ['native', 'PUT', `/flows/${flowId}`, flowWith((f) => (f.name = NUL)), 'name'],
    ['native', 'POST', '/agents', { name: NUL, flow_id: flowId }, 'name'],
    ['native', 'POST', '/api-keys', { name: NUL }, 'name'],
    ['native', 'GET', `/chats?name=${encodeURIComponent(NUL)}`, undefined, 'name'],
    ['aksita', 'POST', '/api/chat', { conversation_id: conversationId, message: NUL }, 'message'],
    ['aksita', 'POST', '/api/chat', { conversation_id: NUL, message: 'hi' }, 'conversation_id'],
    [
      'aksita',
      'POST',
      '/api/chat',
      { conversation_id: conversationId, message: 'hi', additional_context: NUL },
      'additional_context',
    ],
    ['asyntai', 'POST', '/api/v1/chat/', { message: NUL }, 'message'],
    ['asyntai', 'POST', '/api/v1/chat/', { message: 'hi', session_id: NUL }, 'session_id'],
    [
      'asyntai',
      'GET',
      `/api/v1/conversations/?session_id=${encodeURIComponent(NUL)}`,
      undefined,
      'session_id',
    ],
    // unpaired UTF-16 surrogates (not characters; jsonb refuses them)
    ['native', 'POST', '/chats', `{"from_flow":"${flowId}","metadata":{"a":"\\ud800"}}`, 'metadata.a'],
    ['native', 'POST', `/chats/${chatId}/messages`, '{"message":"hi \\udc00"}', 'message'],
    ['asyntai', 'POST', '/api/v1/chat/', '{"message":"\\ud800!"}', 'message'],
    // JSON nested 50,000 deep
    ['native', 'POST', '/chats', deepJson(`{"from_flow":"${flowId}","metadata":{"a":`, '}}'), 'metadata.a'],
    [
      'native',
      'POST',
      '/flows',
      deepJson(
        '{"name":"d","agents":[{"name":"a"},{"name":"b","tools":[{"name":"t","parameters":{"x":',
        '}}]}],"chat":{"type":"two_agent","initiator":"a","recipient":"b"}}',
      ),
      'agents.1.tools.0.parameters',
    ],
    ['native', 'POST', `/chats/${chatId}/messages`, deepJson('{"message":"hi","meta":', '}'), 'meta'],
    ['aksita', 'POST', '/api/chat', deepJson('{"message":"hi","x":', '}'), 'x'],
    ['asyntai', 'POST', '/api/v1/chat/', deepJson('{"message":"hi","x":', '}'), 'x'],
    // numbers beyond the database's int4
    ['native', 'GET', `/chats/${chatId}/messages?after=99999999999`, undefined, 'after'],
    ['native', 'GET', `/chats/${chatId}/messages?limit=99999999999`, undefined, 'limit'],
    ['native', 'GET', `/flows/${flowId}?version=99999999999`, undefined, 'version'],
    ['native', 'POST', '/chats', { from_flow: flowId, flow_version: 99999999999 }, 'flow_version'],
    ['native', 'GET', `/chats?limit=99999999999`, undefined, 'limit'],
    ['native', 'GET', `/chats/${chatId}/events?after=99999999999`, undefined, 'after'],
    ['asyntai', 'POST', '/api/v1/chat/', { message: 'hi', website_id: 99999999999999999999 }, 'website_id'],
    ['asyntai', 'GET', '/api/v1/conversations/?session_id=x&limit=1e400', undefined, 'limit'],
    // missing fields are named
    ['native', 'POST', `/chats/${chatId}/messages`, {}, 'message is required'],
    ['native', 'POST', `/chats/${chatId}/input`, { msg: 'x' }, 'message is required'],
    ['native', 'POST', `/chats/${chatId}/messages`, undefined, 'message is required'],
    ['native', 'POST', '/chats', {}, 'from_flow'],
    ['aksita', 'POST', '/api/chat', {}, 'message is required'],
    ['asyntai', 'POST', '/api/v1/chat/', {}, 'message is required'],
    // malformed JSON
    ['native', 'POST', '/chats', '{"name":', 'JSON'],
    ['aksita', 'POST', '/api/chat', '{"message":', 'JSON'],
    ['asyntai', 'POST', '/api/v1/chat/', '{"message":', 'JSON'],
  ];

  it('answers every case with a 4xx in the family shape naming the field', async () => {
    const failures: string[] = [];
    for (const [family, method, path, body, field] of cases()) {
      const res = await a.request(method, path, body);
      const label = `${family} ${method} ${path.slice(0, 60)} (${field})`;
      if (res.status < 400 || res.status >= 500) {
        failures.push(`${label}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
        continue;
      }
      const text = errorText(family, res.body);
      if (!text.includes(field)) failures.push(`${label}: ${res.status} "${text.slice(0, 200)}"`);
    }
    expect(failures).toEqual([]);
  });

  it('the deep value is refused before anything stores it, and nothing half-written remains', async () => {
    const before = (await a.request('GET', '/chats?limit=100')).body.data.length;
    const res = await a.request('POST', '/chats', { from_flow: flowId, metadata: { a: deep(100) } });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe('metadata.a.0.0.0.0…: nested deeper than 64 levels');
    expect((await a.request('GET', '/chats?limit=100')).body.data.length).toBe(before);
  });

  describe('a body is read as JSON whatever its Content-Type', () => {
    const raw = (path: string, body: string, contentType?: string) =>
      fetch(t.url + path, {
        method: 'POST',
        headers: { 'X-API-Key': a.key, ...(contentType ? { 'Content-Type': contentType } : {}) },
        // Bytes, so fetch adds no Content-Type of its own.
        body: new TextEncoder().encode(body),
      });

    it.each([undefined, 'application/x-www-form-urlencoded', 'text/plain'])(
      'native, Aksita and Asyntai with Content-Type %s',
      async (contentType) => {
        const created = await raw('/chats', JSON.stringify({ name: 'curl', from_flow: flowId }), contentType);
        expect(created.status).toBe(201);
        const aksita = await raw(
          '/api/chat',
          JSON.stringify({ conversation_id: conversationId, message: 'hi' }),
          contentType,
        );
        expect(aksita.status).toBe(200);
        const asyntai = await raw('/api/v1/chat/', JSON.stringify({ message: 'hi' }), contentType);
        expect(asyntai.status).toBe(200);
        const form = await raw('/chats', 'name=x&from_flow=y', contentType);
        expect(form.status).toBe(400);
        expect(((await form.json()) as { message: string }).message).toMatch(
          /Malformed JSON .*whatever their Content-Type/,
        );
      },
    );
  });
});
