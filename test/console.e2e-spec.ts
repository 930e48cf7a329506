import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import type { FlowSpecInput } from '../libs/domain/src/flow-spec';
import {
  call,
  startTestApi,
  toolPairFlow,
  twoAgentFlow,
  waitFor,
  type TestAccount,
  type TestApi,
} from './support/api';
import { startFakeOpenAiServer, type FakeOpenAiServer } from './support/fake-openai-server';

/**
 * The operators' console in a real browser (Debian's chromium driven by playwright-core): sign in, a
 * waiting chat appears in the inbox without reload, claim, answer, the reply streams in token by
 * token and the status changes; a second operator gets the claim conflict; the flow editor points a
 * bad field at its line. Screenshots of each page go to test-artifacts/console/ (not committed).
 */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = resolve(__dirname, '../test-artifacts/console');

describe('operator console in a browser', () => {
  let t: TestApi;
  let a: TestAccount;
  let llm: FakeOpenAiServer;
  let browser: Browser;
  let flowId: string;
  let release: () => void = () => undefined;
  let streamingHeld: Promise<void>;
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    // The reply to "Pro, please" pauses halfway until the test has seen its first tokens in the page.
    llm = await startFakeOpenAiServer({
      replies: [
        'Which plan would you like, Basic or Pro?',
        'Great choice: the Pro plan is now active for you.',
      ],
      midStream: (body) =>
        JSON.stringify(body.messages).includes('Pro, please') ? streamingHeld : Promise.resolve(),
    });
    streamingHeld = new Promise<void>((r) => (release = r));
    t = await startTestApi({ EGRESS_ALLOWED_HOSTS: '127.0.0.1' });
    a = await t.account();
    flowId = await a.createFlow({
      name: 'Billing desk',
      agents: [
        { name: 'customer', type: 'user_proxy', human_input_mode: 'ALWAYS' },
        {
          name: 'billing',
          type: 'assistant',
          llm: { provider: 'openai', model: 'm', base_url: llm.url, stream: true },
        },
      ],
      chat: { type: 'two_agent', initiator: 'customer', recipient: 'billing' },
    });
    for (const name of ['alice', 'bob']) {
      const created = await a.request('POST', '/api-keys', { name });
      keys[name] = created.body.key;
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => {
    release();
    await browser?.close();
    await t?.close();
    await llm?.close();
  });

  async function signIn(name: string, viewport = { width: 1280, height: 800 }) {
    const context: BrowserContext = await browser.newContext({ viewport });
    const page = await context.newPage();
    page.on('console', (m) => process.env.DEBUG_CONSOLE && console.log(`[${name}] ${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => console.log(`[${name}] pageerror: ${e.message}`));
    await page.goto(`${t.url}/console/`);
    await page.getByLabel('API key').fill(keys[name]);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByTestId('operator-name').filter({ hasText: name }).waitFor();
    return page;
  }
  const shot = (page: Page, name: string) => page.screenshot({ path: `${ARTIFACTS}/${name}.png` });

  it('serves the console at /console with deep links falling back to the app', async () => {
    const deep = await call(t.url, 'GET', '/console/chats/00000000-0000-0000-0000-000000000000');
    expect(deep.status).toBe(200);
    expect(String(deep.body)).toContain('<div id="root">');
    expect(deep.headers.get('cache-control')).toBe('no-cache');
    const missing = await call(t.url, 'GET', '/console/assets/nope.js');
    expect(missing.status).toBe(404);
  });

  it('inbox → claim → answer → streamed reply → status change; a second operator gets the conflict', async () => {
    const alice = await signIn('alice');
    await alice.getByText('Nobody is waiting for a person.').waitFor();

    // A customer starts a chat over the API: it appears in the open inbox without a reload.
    const chat = await a.request('POST', '/chats', {
      name: 'Plan change',
      from_type: 'flow',
      from_flow: flowId,
    });
    const chatId = chat.body.id as string;
    await a.request('POST', `/chats/${chatId}/messages`, { message: 'I want to change my plan' });
    const item = alice.locator(`[data-chat-id="${chatId}"]`);
    await item.getByText('Which plan would you like, Basic or Pro?').waitFor();
    await item.getByText('Plan change').waitFor();
    await item.getByText('Billing desk').waitFor();
    await shot(alice, 'inbox');

    await alice.getByRole('button', { name: 'Claim', exact: true }).click();
    await alice.getByTestId('claim-state').filter({ hasText: 'Claimed by you' }).waitFor();

    // Bob sees who holds it; his claim and his answer are refused with the holder's name.
    const bob = await signIn('bob');
    await bob.locator(`[data-chat-id="${chatId}"]`).getByText('Claimed by alice').waitFor();
    await bob.getByRole('button', { name: 'Claim', exact: true }).click();
    await bob.getByRole('alert').filter({ hasText: 'Chat is claimed by alice' }).waitFor();
    await bob.getByLabel('Your answer').fill('I will take this one');
    await bob.keyboard.press('Control+Enter');
    await bob.getByRole('alert').filter({ hasText: 'claimed by alice' }).last().waitFor();
    await shot(bob, 'claim-conflict');
    expect((await a.request('GET', `/chats/${chatId}`)).body.status).toBe('wait_for_human_input');

    // Alice opens the chat and answers from the keyboard; the reply streams in, then is stored.
    await alice.getByRole('link', { name: 'Open chat' }).click();
    await alice.getByTestId('chat-status').filter({ hasText: 'Waiting for input' }).waitFor();
    await alice.getByLabel('Your answer').fill('Pro, please');
    await alice.keyboard.press('Control+Enter');
    const streaming = alice.getByTestId('streaming');
    await streaming.getByText('Great choice:').waitFor();
    expect(await streaming.textContent()).not.toContain('active for you');
    await alice.getByTestId('chat-status').filter({ hasText: 'Running' }).waitFor();
    await shot(alice, 'chat-streaming');
    release();
    await alice
      .locator('.message:not(.streaming)')
      .getByText('Great choice: the Pro plan is now active for you.')
      .waitFor();
    await alice.getByTestId('chat-status').filter({ hasText: 'Waiting for input' }).waitFor();
    expect(await streaming.count()).toBe(0);

    // "Exit" ends the conversation: the status changes to completed with the reason.
    await alice.getByRole('button', { name: 'Exit conversation' }).click();
    await alice.getByTestId('chat-status').filter({ hasText: 'Completed' }).waitFor();
    await alice.getByText('ended: human exit').waitFor();
    await shot(alice, 'chat-completed');

    // Back in the inbox the chat is gone, live.
    await bob.getByText('Nobody is waiting for a person.').waitFor();
    await bob.context().close();
    await alice.context().close();
  });

  it('the inbox is keyboard-driven: j/k move, Enter focuses the answer, Ctrl+Enter sends', async () => {
    const ids: string[] = [];
    for (const name of ['First waiting', 'Second waiting']) {
      const chat = await a.request('POST', '/chats', { name, from_type: 'flow', from_flow: flowId });
      await a.request('POST', `/chats/${chat.body.id}/messages?wait=true`, { message: 'hello' });
      ids.push(chat.body.id);
    }
    const alice = await signIn('alice');
    await alice.locator(`[data-chat-id="${ids[1]}"]`).waitFor();
    await alice.locator('body').click({ position: { x: 5, y: 300 } });
    await alice.keyboard.press('j');
    await alice.locator(`[data-chat-id="${ids[1]}"][aria-current="true"]`).waitFor();
    await alice.keyboard.press('k');
    await alice.locator(`[data-chat-id="${ids[0]}"][aria-current="true"]`).waitFor();
    await alice.keyboard.press('Enter');
    await alice.keyboard.type('exit');
    await alice.keyboard.press('Control+Enter');
    await alice.locator(`[data-chat-id="${ids[0]}"]`).waitFor({ state: 'detached' });
    await waitFor(async () => (await a.request('GET', `/chats/${ids[0]}`)).body.status === 'completed');
    await alice.context().close();
  });

  it('flow editor: a bad field is reported at its line; the graph shows the agents; other pages render', async () => {
    const page = await signIn('alice');
    await page.getByRole('link', { name: 'Flows' }).click();
    await page.getByRole('link', { name: /Billing desk/ }).click();
    await page.getByRole('img', { name: /Graph of 2 agents/ }).waitFor();
    await page.getByText('customer', { exact: true }).first().waitFor();
    await shot(page, 'flows');

    const editor = page.getByLabel('Flow spec (JSON)');
    const text = await editor.inputValue();
    const broken = text.replace('"human_input_mode": "ALWAYS"', '"human_input_mode": "SOMETIMES"');
    const line = broken.split('\n').findIndex((l) => l.includes('SOMETIMES')) + 1;
    await editor.fill(broken);
    const issue = page.getByTestId('flow-issue').first();
    await issue.getByText(`Line ${line}`).waitFor();
    expect(await issue.textContent()).toContain('agents.0.human_input_mode');
    expect(await page.getByRole('button', { name: 'Save as new version' }).isDisabled()).toBe(true);

    // An unknown key: named with the closest known field, at its line.
    const typo = text.replace('"human_input_mode": "ALWAYS"', '"human_input_mod": "ALWAYS"');
    await editor.fill(typo);
    const typoLine = typo.split('\n').findIndex((l) => l.includes('human_input_mod"')) + 1;
    await page
      .getByTestId('flow-issue')
      .filter({ hasText: `Line ${typoLine}` })
      .filter({ hasText: 'human_input_mode' })
      .waitFor();
    await shot(page, 'flow-editor-error');

    // Fixed: saving makes version 2.
    await editor.fill(text.replace('"Billing desk"', '"Billing desk v2"'));
    await page.getByRole('button', { name: 'Save as new version' }).click();
    await page.getByText('Saved as version 2').waitFor();

    for (const [link, name, heading] of [
      ['Chats', 'chats', 'Chats'],
      ['Agents & keys', 'keys', 'Agents and keys'],
      ['Usage', 'usage', 'Usage'],
    ]) {
      await page.getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
      await shot(page, name);
    }
    await page.getByTestId('credit-balance').waitFor();
    await page.context().close();

    // Phone width: the inbox is one column and still usable.
    const phone = await signIn('alice', { width: 390, height: 844 });
    await phone.getByRole('heading', { name: 'Inbox' }).waitFor();
    await shot(phone, 'inbox-phone');
    await phone.context().close();
  });

  it('chat view: fork from a message opens the new chat, linked to its parent; a refused seq is explained inline', async () => {
    const startChat = async (flow: FlowSpecInput, message: string) => {
      const id = await a.createFlow(flow);
      const chat = (await a.request('POST', '/chats', { name: flow.name, from_flow: id })).body;
      await a.request('POST', `/chats/${chat.id}/messages?wait=true`, { message });
      return chat.id as string;
    };
    const parentId = await startChat(
      twoAgentFlow(['How can I help?', 'Done.', 'Anything else?'], { name: 'Support desk' }),
      'Hi',
    );
    const answered = await a.request('POST', `/chats/${parentId}/input?wait=true`, {
      message: 'Refund my order',
    });
    expect(answered.body.chat.status).toBe('wait_for_human_input');

    const page = await signIn('alice');
    await page.goto(`${t.url}/console/chats/${parentId}`);
    await page.locator('.message').getByText('Refund my order').waitFor();
    await page.getByRole('button', { name: 'Fork from message 2' }).click();

    // The new chat: its own id in the address, the origin line linking back, the transcript up to seq 2.
    const origin = page.getByTestId('fork-origin');
    await origin.filter({ hasText: 'Forked from Support desk at message 2' }).waitFor();
    const forkedId = page.url().split('/chats/')[1];
    expect(forkedId).not.toBe(parentId);
    const forked = (await a.request('GET', `/chats/${forkedId}`)).body;
    expect(forked).toMatchObject({ parent_chat_id: parentId, forked_at_seq: 2 });
    await page.getByTestId('chat-status').filter({ hasText: 'Waiting for input' }).waitFor();
    await page.locator('.message').getByText('How can I help?').waitFor();
    expect(await page.locator('.transcript .message .content').allTextContents()).toEqual([
      'Hi',
      'How can I help?',
    ]);
    await shot(page, 'chat-forked');
    await origin.getByRole('link', { name: 'Support desk' }).click();
    await page.locator('.message').getByText('Refund my order').waitFor();

    // Two tool results written as one reply: forking between them is refused, and the page says where to fork.
    const toolsId = await startChat(toolPairFlow('Tool pair'), 'Call them');
    await page.goto(`${t.url}/console/chats/${toolsId}`);
    await page.getByRole('button', { name: 'Fork from message 3' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Could not fork at message 3' })
      .filter({ hasText: 'fork at 2 or 4' })
      .waitFor();
    expect(page.url()).toContain(toolsId);
    await shot(page, 'chat-fork-refused');
    await page.context().close();
  });
});
