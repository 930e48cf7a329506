import { messageEventData, type StoredMessage } from '@conclave/domain';
import { startTestApi, toolPairFlow, twoAgentFlow, type TestAccount, type TestApi } from './support/api';

/**
 * The API message object has one definition (`messageEventData`, @conclave/domain): the step commit
 * (SQL) adds only id, seq and created_at to what TypeScript built. The `message.created` payload in
 * the log (what socket.io, SSE and webhooks carry), the REST transcript and the domain function
 * applied to the stored row must be the same object.
 */
describe('the message object: one shape in the event log, the REST transcript and the domain', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
  });
  afterAll(async () => {
    await t?.close();
  });

  it.each([
    ['tool calls and tool results', toolPairFlow(), 'Call them'],
    ['a reply and an input request', twoAgentFlow(['Which plan?']), 'Hello'],
  ])('%s', async (_, flow, message) => {
    const flowId = await a.createFlow(flow);
    const created = await a.request('POST', '/chats', {
      name: 'shape',
      from_type: 'flow',
      from_flow: flowId,
    });
    const chatId = created.body.id as string;
    const sent = await a.request('POST', `/chats/${chatId}/messages?wait=true`, { message });
    expect(sent.status).toBe(202);

    const rest = (await a.request('GET', `/chats/${chatId}/messages`)).body as Record<string, unknown>[];
    const { rows: stored } = await t.db.query<StoredMessage>(
      `SELECT * FROM messages WHERE chat_id = $1 ORDER BY seq`,
      [chatId],
    );
    const { rows: logged } = await t.db.query<{ data: Record<string, unknown> }>(
      `SELECT data FROM events WHERE chat_id = $1 AND type = 'message.created' ORDER BY seq`,
      [chatId],
    );
    expect(stored.length).toBeGreaterThan(1);
    expect(rest).toHaveLength(stored.length);
    expect(logged).toHaveLength(stored.length);
    stored.forEach((row, i) => {
      const domain = JSON.parse(JSON.stringify(messageEventData(row)));
      expect(sameInstant(logged[i].data, domain)).toEqual(domain);
      expect(sameInstant(rest[i], domain)).toEqual(domain);
    });
  });
});

/**
 * `created_at` as the other side wrote it when it names the same millisecond (SQL formats the stored
 * microseconds truncated, the driver parses them to a Date), so the rest compares field by field.
 */
function sameInstant(message: Record<string, unknown>, reference: Record<string, unknown>) {
  const ms = (v: unknown) => Math.floor(Date.parse(String(v)));
  const close = Math.abs(ms(message.created_at) - ms(reference.created_at)) <= 1;
  return { ...message, created_at: close ? reference.created_at : message.created_at };
}
