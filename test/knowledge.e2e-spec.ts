import { tinyPdf } from '../libs/knowledge/src/testing/tiny-pdf';
import { call, startTestApi, waitFor, type TestAccount, type TestApi } from './support/api';
import { connectRealtime, type RealtimeClient } from './support/realtime';
import { SITE_TOPICS, startTestSite, type TestSite } from './support/test-site';

const MAX_FILE_BYTES = 200_000;
const MAX_CHUNKS = 80;

const REFUNDS_MD = `# Returns and refunds

## Refund window
You can ask for a refund within 30 days of delivery. Refunds go back to the original payment method.

## Damaged items
Send us a photo of a damaged item and we replace it for free.
`;

const SHIPPING_HTML = `<!doctype html><html><head><title>Shipping guide</title><script>var tracking = "nope";</script></head>
<body><h1>Shipping</h1><h2 id="bali">Shipping to Bali</h2><p>Parcels to Bali arrive in 3 to 5 working days by express courier.</p>
<h2>International</h2><p>International orders ship from Singapore.</p></body></html>`;

const WARRANTY_PDF = tinyPdf([
  'Warranty terms',
  'Every blender carries a two year warranty against motor failure.',
]);

/**
 * Knowledge bases end to end over real HTTP: bases, text / Markdown / HTML / PDF sources, a crawl of
 * a loopback site (robots.txt, a redirect, a 404), background indexing with progress events, search,
 * limits and bad input, and retrieval in chatbot conversations (Aksita and Asyntai) whose replies
 * list their sources.
 */
describe('Knowledge bases', () => {
  let t: TestApi;
  let a: TestAccount;
  let b: TestAccount;
  let site: TestSite;
  let base: any;
  let events: RealtimeClient;

  beforeAll(async () => {
    site = await startTestSite();
    t = await startTestApi({
      EGRESS_ALLOWED_HOSTS: '127.0.0.1',
      KNOWLEDGE_MAX_FILE_BYTES: String(MAX_FILE_BYTES),
      KNOWLEDGE_MAX_CHUNKS_PER_ACCOUNT: String(MAX_CHUNKS),
      KNOWLEDGE_MAX_CRAWL_PAGES: '40',
      SWEEP_INTERVAL_MS: '1000',
    });
    a = await t.account();
    b = await t.account();
    events = await connectRealtime(t.url, a.key);
    expect(await events.socket.timeout(5000).emitWithAck('subscribe_account', {})).toEqual({ ok: true });
    const res = await a.request('POST', '/knowledge-bases', {
      name: 'Acme docs',
      description: 'Help centre',
    });
    expect(res.status).toBe(201);
    base = res.body;
  });
  afterAll(async () => {
    events?.close();
    await t?.close();
    await site?.close();
  });

  const sourcesPath = () => `/knowledge-bases/${base.id}/sources`;

  async function upload(
    account: TestAccount,
    name: string,
    bytes: Buffer,
    type: string,
    fields: Record<string, string> = {},
  ) {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob([bytes], { type }), name);
    const response = await fetch(`${t.url}${sourcesPath()}`, {
      method: 'POST',
      body: form,
      headers: { 'X-API-Key': account.key },
    });
    return { status: response.status, body: (await response.json()) as any };
  }

  async function settled(sourceId: string, account = a, path = sourcesPath()): Promise<any> {
    return waitFor(async () => {
      const res = await account.request('GET', `${path}/${sourceId}`);
      return ['ready', 'failed'].includes(res.body.status) ? res.body : null;
    }, 60_000);
  }

  const search = (query: string, k = 3) =>
    a.request('POST', `/knowledge-bases/${base.id}/search`, { query, k });

  it('creates, lists, reads and renames bases; other accounts and bad ids get 404', async () => {
    expect(base).toMatchObject({ name: 'Acme docs', language: 'english', source_count: 0, chunk_count: 0 });
    const list = await a.request('GET', '/knowledge-bases');
    expect(list.body.map((x: any) => x.id)).toEqual([base.id]);
    expect(
      (await a.request('PATCH', `/knowledge-bases/${base.id}`, { description: 'Docs' })).body.description,
    ).toBe('Docs');
    expect((await b.request('GET', `/knowledge-bases/${base.id}`)).status).toBe(404);
    expect((await b.request('POST', `/knowledge-bases/${base.id}/search`, { query: 'refund' })).status).toBe(
      404,
    );
    expect((await a.request('GET', '/knowledge-bases/not-a-uuid')).status).toBe(404);
    expect((await b.request('GET', '/knowledge-bases')).body).toEqual([]);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const bad = async (path: string, body: unknown, field: RegExp) => {
      const res = await a.request('POST', path, body);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body.message)).toMatch(field);
    };
    await bad('/knowledge-bases', { name: 'x', language: 'klingon' }, /language/);
    await bad('/knowledge-bases', { name: 'x', colour: 'red' }, /colour/);
    await bad(sourcesPath(), { type: 'text' }, /content/);
    await bad(sourcesPath(), { type: 'pdf', content: 'x' }, /type/);
    await bad(sourcesPath(), { type: 'website', url: 'ftp://example.com/' }, /url/);
    await bad(sourcesPath(), { type: 'website', url: site.url, max_pages: 1000 }, /max_pages: at most 40/);
    await bad(`/knowledge-bases/${base.id}/search`, { query: '' }, /query/);
    await bad(`/knowledge-bases/${base.id}/search`, { query: 'x', k: 0 }, /k/);
  });

  it('indexes Markdown text in the background and finds it with sections and anchors', async () => {
    const res = await a.request('POST', sourcesPath(), {
      type: 'text',
      title: 'Refund policy',
      content: REFUNDS_MD,
      url: 'https://acme.test/refunds',
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ type: 'text', status: 'pending', title: 'Refund policy' });
    const source = await settled(res.body.id);
    expect(source).toMatchObject({ status: 'ready', reason: null, chunk_count: 2 });

    const found = await search('How many days do I have to get a refund?');
    expect(found.status).toBe(200);
    expect(found.body.results[0]).toMatchObject({
      source_id: source.id,
      title: 'Refund policy',
      section: 'Returns and refunds › Refund window',
      url: 'https://acme.test/refunds#refund-window',
    });
    expect(found.body.results[0].content).toContain('within 30 days');
    expect(found.body.results[0].score).toBeGreaterThan(0);
    expect(found.body.results[0].score).toBeLessThanOrEqual(1);
  });

  it('indexes uploaded Markdown, HTML and PDF files', async () => {
    const md = await upload(
      a,
      'care.md',
      Buffer.from('# Care\nWipe the jug with a damp cloth, never in the dishwasher.'),
      'text/markdown',
    );
    const html = await upload(a, 'shipping.html', Buffer.from(SHIPPING_HTML), 'text/html');
    const pdf = await upload(a, 'warranty.pdf', WARRANTY_PDF, 'application/pdf', { title: 'Warranty' });
    for (const r of [md, html, pdf]) expect(r.status).toBe(202);
    expect(pdf.body).toMatchObject({ type: 'file', filename: 'warranty.pdf', media_type: 'application/pdf' });
    for (const r of [md, html, pdf]) expect(await settled(r.body.id)).toMatchObject({ status: 'ready' });

    expect((await search('dishwasher cleaning')).body.results[0]).toMatchObject({
      source_id: md.body.id,
      title: 'Care',
    });
    const bali = (await search('How long does shipping to Bali take?')).body.results[0];
    expect(bali).toMatchObject({
      source_id: html.body.id,
      title: 'Shipping guide',
      section: 'Shipping › Shipping to Bali',
    });
    expect(bali.content).toContain('3 to 5 working days');
    expect(JSON.stringify((await search('tracking nope')).body.results)).not.toContain('nope');
    const warranty = (await search('blender motor warranty')).body.results[0];
    expect(warranty).toMatchObject({ source_id: pdf.body.id, title: 'Warranty' });
    expect(warranty.content).toContain('two year warranty');
  });

  it('fails a corrupt PDF and an unsupported file with a reason, and keeps serving', async () => {
    const corrupt = await upload(
      a,
      'broken.pdf',
      Buffer.concat([WARRANTY_PDF.subarray(0, 60), Buffer.from('garbage')]),
      'application/pdf',
    );
    const png = await upload(
      a,
      'logo.png',
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
      'image/png',
    );
    expect(corrupt.status).toBe(202);
    expect(png.status).toBe(202);
    expect(await settled(corrupt.body.id)).toMatchObject({
      status: 'failed',
      chunk_count: 0,
      reason: expect.stringMatching(/^unreadable PDF/),
    });
    expect(await settled(png.body.id)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^unsupported file type/),
    });
    expect((await a.request('GET', '/health')).status).toBe(200);
  });

  it('refuses an upload over the size limit with 413 and a multipart body without a file with 400', async () => {
    const big = await upload(a, 'big.md', Buffer.alloc(MAX_FILE_BYTES + 1000, 'a'), 'text/markdown');
    expect(big.status).toBe(413);
    const form = new FormData();
    form.append('title', 'nothing');
    const response = await fetch(`${t.url}${sourcesPath()}`, {
      method: 'POST',
      body: form,
      headers: { 'X-API-Key': a.key },
    });
    expect(response.status).toBe(400);
    expect(JSON.stringify(await response.json())).toMatch(/file/);
  });

  it('crawls a website: same site, robots.txt honoured, redirects followed, 404s skipped, progress events', async () => {
    const res = await a.request('POST', sourcesPath(), {
      type: 'website',
      url: `${site.url}/`,
      max_pages: 30,
      max_depth: 3,
    });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      type: 'website',
      url: `${site.url}/`,
      max_pages: 30,
      max_depth: 3,
      status: 'pending',
    });
    const source = await settled(res.body.id);
    expect(source.status).toBe('ready');
    expect(source.progress.pages).toBe(17);
    expect(source.progress.skipped).toEqual(
      expect.arrayContaining([
        { url: `${site.url}/private/secret`, reason: 'disallowed by robots.txt' },
        { url: `${site.url}/missing`, reason: 'HTTP 404' },
      ]),
    );
    expect(site.requested).not.toContain('/private/secret');
    expect(site.requested).toContain('/robots.txt');

    const pricing = (await search('What does the Pro plan cost per month?')).body.results[0];
    expect(pricing).toMatchObject({
      source_id: source.id,
      title: 'Pricing',
      url: `${site.url}/pricing#pricing`,
    });
    const doc = (await search('Which authenticator app works for two-factor authentication?')).body
      .results[0];
    expect(doc.content).toContain(SITE_TOPICS[3]);
    expect((await search('zebra launch code')).body.results).toEqual([]);

    const mine = (e: any) => e.type === 'knowledge.source' && e.data.source_id === source.id;
    await events.until((all) => all.some((e) => mine(e) && e.data.status === 'ready'));
    const progress = events.events.filter(mine);
    expect(progress[0]).toMatchObject({
      chat_id: null,
      seq: null,
      data: { status: 'indexing', knowledge_base_id: base.id },
    });
    expect(progress.some((e) => e.data.status === 'indexing' && e.data.progress.pages > 0)).toBe(true);
    expect(progress.at(-1)!.data).toMatchObject({ status: 'ready', chunk_count: source.chunk_count });
  });

  it('crawls only through the egress policy: a metadata address fails the source with the reason', async () => {
    const res = await a.request('POST', sourcesPath(), {
      type: 'website',
      url: 'http://169.254.169.254/latest/',
    });
    expect(res.status).toBe(202);
    const source = await settled(res.body.id);
    expect(source.status).toBe('failed');
    expect(source.reason).toMatch(/169\.254\.169\.254/);
    expect(source.reason).toMatch(/EGRESS_/);
    expect((await a.request('DELETE', `${sourcesPath()}/${source.id}`)).status).toBe(204);
  });

  it('re-syncs a source (new content replaces the old) and deletes one with its chunks', async () => {
    const list = (await a.request('GET', sourcesPath())).body;
    const crawl = list.find((s: any) => s.type === 'website');
    site.pages.set('/pricing', site.pages.get('/pricing')!.replace('29 dollars', '35 dollars'));
    const res = await a.request('POST', `${sourcesPath()}/${crawl.id}/resync`);
    expect(res.status).toBe(202);
    expect(res.body.status).toBe('pending');
    expect((await a.request('POST', `${sourcesPath()}/${crawl.id}/resync`)).status).toBe(409);
    expect(await settled(crawl.id)).toMatchObject({ status: 'ready' });
    const pricing = (await search('Pro plan price per month')).body.results[0];
    expect(pricing.content).toContain('35 dollars');
    const { rows } = await t.db.query(
      `SELECT count(*)::int AS n FROM knowledge_chunks WHERE content LIKE '%29 dollars%'`,
    );
    expect(rows[0].n).toBe(0);

    const md = list.find((s: any) => s.filename === 'care.md');
    expect((await a.request('DELETE', `${sourcesPath()}/${md.id}`)).status).toBe(204);
    expect((await a.request('GET', `${sourcesPath()}/${md.id}`)).status).toBe(404);
    const left = await t.db.query(`SELECT count(*)::int AS n FROM knowledge_chunks WHERE source_id = $1`, [
      md.id,
    ]);
    expect(left.rows[0].n).toBe(0);
    expect((await search('dishwasher')).body.results).toEqual([]);
  });

  it('limits chunks per account: an over-limit source fails with the reason, a full account gets 429', async () => {
    const c = await t.account();
    const own = (await c.request('POST', '/knowledge-bases', { name: 'Big', language: 'simple' })).body;
    const path = `/knowledge-bases/${own.id}/sources`;
    const sections = (n: number) =>
      Array.from({ length: n }, (_, i) => `# Section ${i}\nFact number ${i}.`).join('\n');
    const over = (await c.request('POST', path, { type: 'text', content: sections(MAX_CHUNKS + 5) })).body;
    expect(await settled(over.id, c, path)).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^chunk limit reached/),
    });
    const full = (await c.request('POST', path, { type: 'text', content: sections(MAX_CHUNKS) })).body;
    expect(await settled(full.id, c, path)).toMatchObject({ status: 'ready', chunk_count: MAX_CHUNKS });
    const refused = await c.request('POST', path, { type: 'text', content: 'one more' });
    expect(refused.status).toBe(429);
    expect(refused.body.message).toMatch(/Chunk limit reached/);
  });

  it('refuses knowledge management to an agent-scoped key with 403', async () => {
    const flow = await a.createFlow({
      name: 'scoped',
      agents: [
        { name: 'user', type: 'user_proxy' },
        { name: 'bot', type: 'assistant', llm: { provider: 'scripted', replies: ['x'] } },
      ],
      chat: { type: 'two_agent', initiator: 'user', recipient: 'bot' },
    });
    const agent = (await a.request('POST', '/agents', { name: 'scoped', flow_id: flow })).body;
    const key = (await a.request('POST', '/api-keys', { name: 'site', agent_id: agent.id })).body.key;
    const headers = { 'X-API-Key': key };
    expect((await call(t.url, 'GET', '/knowledge-bases', undefined, headers)).status).toBe(403);
    expect((await call(t.url, 'POST', '/knowledge-bases', { name: 'x' }, headers)).status).toBe(403);
    expect(
      (await call(t.url, 'POST', `/knowledge-bases/${base.id}/search`, { query: 'refund' }, headers)).status,
    ).toBe(403);
  });

  describe('retrieval in conversations', () => {
    const assistantMessages = async (chatId: string) =>
      (await a.request('GET', `/chats/${chatId}/messages`)).body.filter((m: any) => m.sender === 'assistant');

    it('Aksita /api/chat: the flow agent’s knowledge puts sources on its reply', async () => {
      const flowId = await a.createFlow({
        name: 'Support bot',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
          {
            name: 'assistant',
            type: 'assistant',
            knowledge: { base: 'Acme docs', top_k: 2 },
            llm: { provider: 'scripted', replies: ['You have 30 days to ask for a refund [1].'] },
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      });
      await a.request('POST', '/agents', { name: 'Support', flow_id: flowId, is_primary: true });
      const session = await a.request('POST', '/api/session', {});
      const conversationId = session.body.data.conversation_id;
      const chat = await a.request('POST', '/api/chat', {
        conversation_id: conversationId,
        message: 'How many days do I have to ask for a refund?',
      });
      expect(chat.status).toBe(200);
      expect(chat.body.data.response).toEqual(['You have 30 days to ask for a refund [1].']);

      const [reply] = await assistantMessages(conversationId);
      const refunds = (await a.request('GET', sourcesPath())).body.find(
        (s: any) => s.title === 'Refund policy',
      );
      expect(reply.meta.sources.length).toBeGreaterThanOrEqual(1);
      expect(reply.meta.sources.length).toBeLessThanOrEqual(2);
      expect(reply.meta.sources[0]).toEqual({
        source_id: refunds.id,
        title: 'Refund policy › Returns and refunds › Refund window',
        url: 'https://acme.test/refunds#refund-window',
        chunk_id: expect.any(String),
        score: expect.any(Number),
      });
    });

    it('Asyntai /api/v1/chat/: the agent resource’s default base serves a flow that names none', async () => {
      const flowId = await a.createFlow({
        name: 'Website bot',
        agents: [
          { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
          {
            name: 'assistant',
            type: 'assistant',
            llm: { provider: 'scripted', replies: ['It costs 35 dollars a month.'] },
          },
        ],
        chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant' },
      });
      const website = (
        await a.request('POST', '/agents', { name: 'Website', flow_id: flowId, knowledge_base_id: base.id })
      ).body;
      expect(website.knowledge_base_id).toBe(base.id);
      expect(
        (
          await a.request('POST', '/agents', {
            name: 'x',
            flow_id: flowId,
            knowledge_base_id: otherId(base.id),
          })
        ).status,
      ).toBe(404);

      const res = await call(
        t.url,
        'POST',
        '/api/v1/chat/',
        {
          message: 'What does the Pro plan cost per month?',
          website_id: website.website_id,
          session_id: 'kb-visitor-1',
        },
        { 'X-API-Key': a.key },
      );
      expect(res.status).toBe(200);
      expect(res.body.response).toBe('It costs 35 dollars a month.');
      const { rows } = await t.db.query(`SELECT id FROM chats WHERE external_id = 'kb-visitor-1'`);
      const [reply] = await assistantMessages(rows[0].id);
      expect(reply.meta.sources[0]).toMatchObject({ title: 'Pricing', url: `${site.url}/pricing#pricing` });
    });
  });
});

/** A well-formed id that is not `id` (its last digit changed; `replace(/.$/, '0')` kept ids ending in 0). */
function otherId(id: string): string {
  return id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
}
