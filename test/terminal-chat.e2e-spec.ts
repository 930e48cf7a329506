import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { resolve } from 'node:path';
import { startTestApi, waitFor, type TestAccount, type TestApi } from './support/api';

const TERMINAL_MAIN = resolve(__dirname, '../dist/apps/terminal/src/main.js');

/** `npm run chat` driven through stdin: a human-input loop to the end, and Ctrl-C cancelling a run. */
describe('terminal chat', () => {
  let t: TestApi;
  let a: TestAccount;

  beforeAll(async () => {
    t = await startTestApi();
    a = await t.account();
  });
  afterAll(() => t?.close());

  function startTerminal(target: string) {
    const child = spawn(process.execPath, [TERMINAL_MAIN, target], {
      env: { PATH: process.env.PATH ?? '', CONCLAVE_URL: t.url, CONCLAVE_KEY: a.key },
    }) as ChildProcessWithoutNullStreams;
    let output = '';
    const waiters = new Set<() => void>();
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      for (const w of [...waiters]) w();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    /** Resolves once the output after `from` contains `text`; returns the index after it. */
    const expectOutput = (text: string, from = 0, timeoutMs = 20_000) =>
      new Promise<number>((resolveWait, reject) => {
        const check = () => {
          const at = output.indexOf(text, from);
          if (at < 0) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolveWait(at + text.length);
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`"${text}" not printed; output so far:\n${output}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    return {
      child,
      expectOutput,
      exited,
      output: () => output,
      type: (line: string) => child.stdin.write(`${line}\n`),
    };
  }

  it('streams the agents, prompts for input, answers go through, exit ends the chat', async () => {
    const flowId = await a.createFlow({
      name: 'desk',
      agents: [
        { name: 'customer', type: 'user_proxy', human_input_mode: 'ALWAYS' },
        {
          name: 'billing',
          type: 'assistant',
          llm: {
            provider: 'scripted',
            replies: ['Which plan, Basic or Pro?', 'Pro it is, all set.'],
            stream: true,
          },
        },
      ],
      chat: { type: 'two_agent', initiator: 'customer', recipient: 'billing' },
    });
    const term = startTerminal(flowId);
    let at = await term.expectOutput('You: ');
    term.type('I want to change my plan');
    at = await term.expectOutput('billing: Which plan, Basic or Pro?', at);
    at = await term.expectOutput('customer (you): ', at);
    term.type('Pro');
    at = await term.expectOutput('billing: Pro it is, all set.', at);
    at = await term.expectOutput('customer (you): ', at);
    term.type('exit');
    at = await term.expectOutput('— run ended: human exit', at);
    await term.expectOutput('You: ', at);
    term.type('');
    expect(await term.exited).toBe(0);

    const chatId = /Chat ([0-9a-f-]{36})/.exec(term.output())![1];
    const chat = (await a.request('GET', `/chats/${chatId}`)).body;
    expect(chat).toMatchObject({ status: 'completed', termination_reason: 'human_exit' });
    // AG2: "exit" ends the conversation and is not a message.
    const transcript = (await a.request('GET', `/chats/${chatId}/messages`)).body.map((m: any) => m.content);
    expect(transcript).toEqual([
      'I want to change my plan',
      'Which plan, Basic or Pro?',
      'Pro',
      'Pro it is, all set.',
    ]);
  });

  it('offers a speaker choice when the group chat asks the person', async () => {
    const flowId = await a.createFlow({
      name: 'manual',
      agents: [
        { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
        {
          name: 'planner',
          type: 'assistant',
          llm: { provider: 'scripted', replies: ['Plan ready. TERMINATE'] },
        },
        { name: 'critic', type: 'assistant', llm: { provider: 'scripted', replies: ['Looks fine.'] } },
      ],
      chat: {
        type: 'group',
        initiator: 'user',
        speaker_selection: 'manual',
        max_round: 3,
        manager: { is_termination_msg: { type: 'contains', value: 'TERMINATE' } },
      },
    });
    const term = startTerminal(flowId);
    let at = await term.expectOutput('You: ');
    term.type('Plan a trip');
    at = await term.expectOutput('Choose who speaks next:', at);
    at = await term.expectOutput('Speaker: ', at);
    term.type('nobody');
    at = await term.expectOutput('Pick a number or a name', at);
    term.type('planner');
    at = await term.expectOutput('planner', at);
    at = await term.expectOutput('— run ended', at);
    await term.expectOutput('You: ', at);
    term.type('');
    expect(await term.exited).toBe(0);
  });

  it('Ctrl-C cancels the run in progress and keeps the chat', async () => {
    const flowId = await a.createFlow({
      name: 'slow',
      agents: [
        { name: 'customer', type: 'user_proxy', human_input_mode: 'ALWAYS' },
        {
          name: 'billing',
          type: 'assistant',
          llm: { provider: 'scripted', replies: ['late'], delay_ms: 10_000 },
        },
      ],
      chat: { type: 'two_agent', initiator: 'customer', recipient: 'billing' },
    });
    const term = startTerminal(flowId);
    await term.expectOutput('You: ');
    const chatId = /Chat ([0-9a-f-]{36})/.exec(term.output())![1];
    term.type('Hello?');
    await waitFor(async () => (await a.request('GET', `/chats/${chatId}`)).body.status === 'running');
    term.child.kill('SIGINT');
    expect(await term.exited).toBe(130);
    const chat = await waitFor(async () => {
      const c = (await a.request('GET', `/chats/${chatId}`)).body;
      return c.termination_reason === 'cancelled' ? c : null;
    });
    expect(chat.status).toBe('completed');
  });
});
