import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startTestApi, twoAgentFlow, type TestAccount, type TestApi } from './support/api';

/** A new user's first hour: every mistake is named, every dead end says what to do next. */
describe('first hour (e2e)', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    // No provider key configured, as on a fresh clone.
    t = await startTestApi({ OPENAI_API_KEY: '', LLM_RETRY_ATTEMPTS: '1', LLM_RETRY_BASE_MS: '0' });
    a = await t.account();
  }, 60_000);
  afterAll(() => t?.close());

  const readmeExample1 = () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const block = /\*\*Example 1[\s\S]*?```json\n([\s\S]*?)```/.exec(readme);
    return JSON.parse(block![1]);
  };

  describe('a provider without a key (README Example 1)', () => {
    it('is saved with a warning naming the variable; PUT warns too; a scripted flow has none', async () => {
      const created = await a.request('POST', '/flows', readmeExample1());
      expect(created.status).toBe(201);
      expect(created.body.warnings).toEqual([expect.stringMatching(/^agents\.1\.llm: .*set OPENAI_API_KEY/)]);

      const ref = readmeExample1();
      ref.agents[1].llm.api_key_ref = 'OPENAI_PROD';
      const updated = await a.request('PUT', `/flows/${created.body.id}`, ref);
      expect(updated.status).toBe(200);
      expect(updated.body.warnings).toEqual([
        expect.stringMatching(/^agents\.1\.llm: .*set CONCLAVE_SECRET_OPENAI_PROD/),
      ]);

      const scripted = await a.request('POST', '/flows', twoAgentFlow());
      expect(scripted.body.warnings).toEqual([]);
    });

    it('fails the run with a last_error naming OPENAI_API_KEY (not a DNS error)', async () => {
      const flowId = (await a.request('POST', '/flows', readmeExample1())).body.id;
      const chat = (await a.request('POST', '/chats', { name: 'ex1', from_flow: flowId })).body;
      const sent = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hi' });
      expect(sent.status).toBe(202);
      expect(sent.body.chat.status).toBe('error');
      expect(sent.body.chat.last_error).toContain('set OPENAI_API_KEY');
      expect(sent.body.chat.last_error).not.toContain('ENOTFOUND');
    });
  });

  it('a message to a chat waiting for input gets a 409 pointing to POST /chats/{id}/input', async () => {
    const flowId = await a.createFlow(twoAgentFlow(['Hello, how can I help?']));
    const chat = (await a.request('POST', '/chats', { name: 'waits', from_flow: flowId })).body;
    const first = await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message: 'Hi' });
    expect(first.body.chat.status).toBe('wait_for_human_input');

    const again = await a.request('POST', `/chats/${chat.id}/messages`, { message: 'Hello?' });
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('waiting for human input (request kind "text")');
    expect(again.body.message).toContain(`POST /chats/${chat.id}/input`);
    expect(again.body).toMatchObject({
      statusCode: 409,
      input_request: { kind: 'text', agent: 'user' },
      next: { method: 'POST', path: `/chats/${chat.id}/input` },
    });
    // Following the advice works.
    const answered = await a.request('POST', `/chats/${chat.id}/input`, { message: 'exit' });
    expect(answered.status).toBe(202);
  });

  describe('chatbot APIs do not show termination markers', () => {
    let b: TestAccount;
    beforeAll(async () => {
      b = await t.account();
      const flowId = await b.createFlow({
        name: 'bot',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
          {
            name: 'assistant',
            type: 'assistant',
            is_termination_msg: { type: 'contains', value: 'ALL DONE' },
            llm: { provider: 'scripted', replies: ['Goodbye! TERMINATE', 'Finished. ALL DONE', 'TERMINATE'] },
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      });
      expect((await b.request('POST', '/agents', { name: 'bot', flow_id: flowId })).status).toBe(201);
    });

    it('Aksita and Asyntai answers are stripped; the native transcript keeps the raw text', async () => {
      const session = await b.request('POST', '/api/session', {});
      const id = session.body.data.conversation_id;
      const aksita = await b.request('POST', '/api/chat', { conversation_id: id, message: 'bye' });
      expect(aksita.status).toBe(200);
      expect(aksita.body.data.response).toEqual(['Goodbye!']);
      const native = (await b.request('GET', `/chats/${id}/messages`)).body;
      expect(native.map((m: any) => m.content)).toContain('Goodbye! TERMINATE');

      const first = await b.request('POST', '/api/v1/chat/', { message: 'bye', session_id: 's1' });
      expect(first.body).toMatchObject({ success: true, response: 'Goodbye!' });
      const second = await b.request('POST', '/api/v1/chat/', { message: 'and?', session_id: 's1' });
      expect(second.body.response).toBe('Finished.');
      const third = await b.request('POST', '/api/v1/chat/', { message: 'ok', session_id: 's1' });
      expect(third.body.response).toBe('');
      const history = await b.request('GET', '/api/v1/conversations/?session_id=s1');
      expect(history.body.messages.map((m: any) => `${m.role}:${m.content}`)).toEqual([
        'user:bye',
        'assistant:Goodbye!',
        'user:and?',
        'assistant:Finished.',
        'user:ok',
      ]);
    });
  });

  describe('transcript paging', () => {
    let chatId: string;
    beforeAll(async () => {
      // Two scripted agents talking for 60 turns: 120 messages, more than one default page.
      const replies = (who: string) => Array.from({ length: 60 }, (_, i) => `${who} ${i + 1}`);
      const flowId = await a.createFlow({
        name: 'long',
        agents: [
          { name: 'alice', type: 'assistant', llm: { provider: 'scripted', replies: replies('alice') } },
          { name: 'bob', type: 'assistant', llm: { provider: 'scripted', replies: replies('bob') } },
        ],
        chat: { type: 'two_agent', initiator: 'alice', recipient: 'bob', max_turns: 60 },
      });
      chatId = (await a.request('POST', '/chats', { name: 'long', from_flow: flowId })).body.id;
      const sent = await a.request('POST', `/chats/${chatId}/messages?wait=true`, { message: 'go' });
      expect(sent.body.chat.status).toBe('completed');
    });

    it('says there is more, and the cursor walks the whole transcript', async () => {
      const first = await a.request('GET', `/chats/${chatId}/messages`);
      expect(Array.isArray(first.body)).toBe(true); // Agentok clients keep reading an array
      expect(first.body).toHaveLength(100);
      expect(first.headers.get('x-has-more')).toBe('true');
      expect(first.headers.get('x-next-cursor')).toBe('100');
      expect(first.headers.get('link')).toBe(`</chats/${chatId}/messages?cursor=100>; rel="next"`);

      const seqs: number[] = [];
      let path: string | null = `/chats/${chatId}/messages?limit=50&paged=true`;
      while (path) {
        const page = await a.request('GET', path);
        expect(page.status).toBe(200);
        expect(Object.keys(page.body).sort()).toEqual(['data', 'has_more', 'next_cursor']);
        seqs.push(...page.body.data.map((m: any) => m.seq));
        path = page.body.has_more
          ? `/chats/${chatId}/messages?limit=50&paged=true&cursor=${page.body.next_cursor}`
          : null;
        if (!page.body.has_more) expect(page.body.next_cursor).toBeNull();
      }
      expect(seqs).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));

      const last = await a.request('GET', `/chats/${chatId}/messages?after=100`);
      expect(last.body).toHaveLength(20);
      expect(last.headers.get('x-has-more')).toBe('false');
      expect(last.headers.get('x-next-cursor')).toBeNull();
    });

    it('GET /chats says has_more too', async () => {
      const list = await a.request('GET', '/chats?limit=1');
      expect(list.body).toMatchObject({ has_more: true, next_cursor: expect.any(String) });
    });
  });

  it('GET / names the service and its version and links to the docs and the console', async () => {
    const res = await fetch(`${t.url}/`);
    expect(res.status).toBe(200);
    const body: any = await res.json();
    const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8'));
    expect(body).toMatchObject({ service: 'conclave', version: pkg.version, links: { docs: '/docs' } });
    expect((await fetch(`${t.url}${body.links.docs}`)).status).toBe(200);
    // The console link is there exactly when the console is built (and then it answers).
    if (body.links.console !== null) expect((await fetch(`${t.url}${body.links.console}`)).status).toBe(200);
    else expect((await fetch(`${t.url}/console`)).status).toBe(404);
  });

  it("the README's socket.io example prints why a subscribe was refused", async () => {
    const readme = readFileSync(resolve(__dirname, '../README.md'), 'utf8');
    const example = /### socket\.io\s+```js\n([\s\S]*?)```/.exec(readme)![1];
    const dir = mkdtempSync(join(tmpdir(), 'conclave-readme-'));
    try {
      symlinkSync(resolve(__dirname, '../node_modules'), join(dir, 'node_modules'), 'dir');
      // The example connects to localhost:3000; the test server listens elsewhere.
      writeFileSync(join(dir, 'example.mjs'), example.replace('http://localhost:3000', t.url));
      const output = await runUntil(
        join(dir, 'example.mjs'),
        {
          CONCLAVE_KEY: a.key,
          CHAT: '00000000-0000-4000-8000-000000000000',
        },
        /subscribe refused: .+/,
      );
      expect(output).toContain('subscribe refused: Chat not found');
      expect(output).not.toContain('caught up to undefined');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Runs a script until its output matches, then stops it; resolves with the output. */
function runUntil(script: string, env: Record<string, string>, pattern: RegExp): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script], { env: { ...process.env, ...env } });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (pattern.test(output)) {
        child.kill();
        resolvePromise(output);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', () => resolvePromise(output));
    child.on('error', reject);
  });
}
