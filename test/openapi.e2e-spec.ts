import { randomBytes } from 'node:crypto';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { call, startTestApi, type TestAccount, type TestApi } from './support/api';
import { mountedRoutes } from './support/mounted-routes';
import { validateOpenApi } from './support/openapi-validator';

jest.setTimeout(300_000);

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'] as const;

/**
 * Mounted but not in the document, on purpose: the console's files, Swagger UI's own pages and the
 * operators' queue dashboard (bull-board's UI, QUEUE_DASHBOARD).
 */
const HIDDEN = [/^\/console(\/|$)/, /^\/docs(\/|$)/, /^\/docs-yaml$/, /^\/admin\/queues(\/|$)/];

/** Documented routes answered by middleware before Nest's router (observability.ts), so not in the router. */
const MIDDLEWARE_ROUTES = ['GET /health/live', 'GET /health/ready', 'GET /metrics'];

interface Operation {
  method: string;
  path: string;
  operationId: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema?: unknown; example?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  parameters?: { in: string; name: string }[];
}

describe('OpenAPI document', () => {
  let api: TestApi;
  let account: TestAccount;
  let document: any;
  let operations: Operation[];
  let ajv: Ajv2020;

  beforeAll(async () => {
    // Start-up takes longer on a loaded machine (the suite runs beside others).
    api = await startTestApi(
      { SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('hex') },
      { readyTimeoutMs: 120_000 },
    );
    account = await api.account();
    document = (await call(api.url, 'GET', '/openapi.json')).body;
    operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, item]) =>
        METHODS.filter((m) => item[m]).map((method) => ({ ...item[method], method, path }) as Operation),
    );
    // Responses are checked against the document's own schemas (JSON Schema 2020-12 in OpenAPI 3.1).
    ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...document, $id: 'https://conclave.test/openapi.json' });
  });
  afterAll(() => api?.close());

  const operation = (id: string): Operation => {
    const op = operations.find((o) => o.operationId === id);
    if (!op) throw new Error(`no operation ${id}`);
    return op;
  };
  const example = (id: string) => operation(id).requestBody!.content['application/json'].example as any;
  const pointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

  /** The live answer has a documented status and matches that response's schema. */
  function expectDocumented(id: string, res: { status: number; body: unknown }, expected: number): void {
    expect({ id, status: res.status, body: res.body }).toEqual({ id, status: expected, body: res.body });
    const op = operation(id);
    expect(op.responses[String(expected)]).toBeDefined();
    const ref =
      `https://conclave.test/openapi.json#/paths/${pointer(op.path)}/${op.method}` +
      `/responses/${expected}/content/application~1json/schema`;
    const validate = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
    const valid = validate(res.body);
    expect({ id, errors: valid ? null : validate.errors }).toEqual({ id, errors: null });
  }

  it('is a valid OpenAPI 3.1.0 document, served at /openapi.json and /docs-json, with Swagger UI at /docs', async () => {
    expect(document.openapi).toBe('3.1.0');
    const result = validateOpenApi(document);
    expect(result.errors ?? null).toBeNull();
    expect(result).toMatchObject({ valid: true, version: '3.1' });

    expect((await call(api.url, 'GET', '/docs-json')).body).toEqual(document);
    const ui = await fetch(`${api.url}/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toContain('swagger');
  });

  it('documents every route the app mounts, with the same method and path', async () => {
    const mounted = await mountedRoutes({ DATABASE_URL: api.databaseUrl });
    expect(mounted.length).toBeGreaterThan(50);
    const documented = new Set(operations.map((o) => `${o.method.toUpperCase()} ${o.path}`));
    const asOpenApi = (path: string) => path.replace(/:([A-Za-z]+)/g, '{$1}').replace(/(.)\/$/, '$1');
    const missing: string[] = [];
    const seen = new Set<string>();
    for (const route of mounted) {
      if (HIDDEN.some((h) => h.test(route.path))) continue;
      let path = asOpenApi(route.path);
      // The native API is mounted at `/` and `/v1` (Agentok); the document describes it once.
      if (path.startsWith('/v1/')) path = path.slice('/v1'.length);
      const key = `${route.method.toUpperCase()} ${path}`;
      seen.add(key);
      if (!documented.has(key)) missing.push(`${route.method.toUpperCase()} ${route.path}`);
    }
    expect(missing).toEqual([]);
    // And nothing documented that is not served.
    const phantom = [...documented].filter((k) => !seen.has(k) && !MIDDLEWARE_ROUTES.includes(k));
    expect(phantom).toEqual([]);
    for (const route of MIDDLEWARE_ROUTES.filter((r) => r !== 'GET /metrics')) {
      const res = await call(api.url, 'GET', route.split(' ')[1]);
      expect({ route, status: res.status }).toEqual({ route, status: 200 });
    }
  });

  it('has unique, readable operation ids, tags and summaries', () => {
    const ids = operations.map((o) => o.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of operations) {
      expect(op.operationId).toMatch(/^[a-z][A-Za-z]*\.[a-z][A-Za-z]*$/);
      expect(op).toMatchObject({ tags: [expect.any(String)], summary: expect.any(String) });
    }
    expect(ids).toEqual(expect.arrayContaining(['chats.create', 'chats.sendMessage', 'chats.answerInput']));
  });

  it('gives every body, parameter and success response a schema', () => {
    for (const op of operations) {
      for (const [type, media] of Object.entries(op.requestBody?.content ?? {}))
        expect({ op: op.operationId, type, schema: !!media.schema }).toEqual({
          op: op.operationId,
          type,
          schema: true,
        });
      const successes = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
      expect(successes.length).toBeGreaterThan(0);
      for (const [status, response] of successes)
        if (status !== '204')
          expect({ op: op.operationId, status, content: !!response.content }).toEqual({
            op: op.operationId,
            status,
            content: true,
          });
      const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      const declared = (op.parameters ?? []).filter((p) => p.in === 'path').map((p) => p.name);
      expect({ op: op.operationId, params: declared.sort() }).toEqual({
        op: op.operationId,
        params: pathParams,
      });
    }
    // Routes that take a JSON body document it (issue 16: all but one had none).
    const bodyless = operations.filter((o) => ['post', 'put', 'patch'].includes(o.method) && !o.requestBody);
    expect(bodyless.map((o) => o.operationId).sort()).toEqual([
      'aksita.createSession',
      'chats.abort',
      'chats.cancel',
      'chats.claim',
      'chats.release',
      'knowledgeBases.resyncSource',
      'webhooks.redeliver',
    ]);
    // Query parameters are documented (e.g. the inbox order, paging, `wait`).
    const query = (id: string) =>
      (operation(id).parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
    expect(query('chats.list')).toEqual(
      expect.arrayContaining(['status', 'order', 'name', 'cursor', 'limit']),
    );
    expect(query('chats.sendMessage')).toEqual(expect.arrayContaining(['wait', 'multitask']));
  });

  it('describes API keys as X-API-Key or Authorization: Bearer (not JWT); public routes need none', async () => {
    expect(document.components.securitySchemes).toMatchObject({
      ApiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      BearerKey: { type: 'http', scheme: 'bearer', bearerFormat: 'API key' },
    });
    expect(JSON.stringify(document.components.securitySchemes)).not.toMatch(/JWT/i);
    expect(document.security).toEqual([{ ApiKey: [] }, { BearerKey: [] }]);
    const open = operations.filter((o) => Array.isArray(o.security) && o.security.length === 0);
    expect(open.map((o) => o.operationId).sort()).toEqual([
      'flows.schema',
      'service.health',
      'service.info',
      'service.live',
      'service.openapi',
      'service.openapiDocsJson',
      'service.ready',
    ]);
    for (const op of open) {
      const res = await call(api.url, 'GET', op.path);
      expect({ op: op.operationId, status: res.status }).toEqual({ op: op.operationId, status: 200 });
    }
    // Keyed routes inherit the document's security and answer 401 without a key, as documented.
    const res = await call(api.url, 'GET', '/chats');
    expect(res.status).toBe(401);
    expect(operation('chats.list').responses['401']).toBeDefined();
    // Both schemes work.
    const bearer = await call(api.url, 'GET', '/chats', undefined, {
      Authorization: `Bearer ${account.key}`,
    });
    expect(bearer.status).toBe(200);
  });

  it('round trip: the documented example bodies are accepted and the answers match the response schemas', async () => {
    const flow = await account.request('POST', '/flows', example('flows.create'));
    expectDocumented('flows.create', flow, 201);
    const flowId = flow.body.id as string;
    expectDocumented('flows.get', await account.request('GET', `/flows/${flowId}`), 200);
    expectDocumented('flows.list', await account.request('GET', '/flows'), 200);

    const chat = await account.request('POST', '/chats', { ...example('chats.create'), from_flow: flowId });
    expectDocumented('chats.create', chat, 201);
    const sent = await account.request(
      'POST',
      `/chats/${chat.body.id}/messages?wait=true`,
      example('chats.sendMessage'),
    );
    expectDocumented('chats.sendMessage', sent, 202);
    expect(sent.body.messages.length).toBeGreaterThan(0);
    expectDocumented(
      'chats.listMessages',
      await account.request('GET', `/chats/${chat.body.id}/messages`),
      200,
    );
    expectDocumented(
      'chats.listMessages',
      await account.request('GET', `/chats/${chat.body.id}/messages?paged=true`),
      200,
    );
    expectDocumented('chats.list', await account.request('GET', '/chats'), 200);
    expectDocumented('chats.get', await account.request('GET', `/chats/${chat.body.id}`), 200);
    expectDocumented('chats.cancel', await account.request('POST', `/chats/${chat.body.id}/cancel`), 202);

    const agent = await account.request('POST', '/agents', { ...example('agents.create'), flow_id: flowId });
    expectDocumented('agents.create', agent, 201);
    expectDocumented(
      'apiKeys.create',
      await account.request('POST', '/api-keys', example('apiKeys.create')),
      201,
    );
    expectDocumented('apiKeys.list', await account.request('GET', '/api-keys'), 200);
    expectDocumented(
      'secrets.put',
      await account.request('PUT', '/secrets/WEATHER_API_KEY', example('secrets.put')),
      200,
    );
    expectDocumented('account.get', await account.request('GET', '/account'), 200);

    const base = await account.request('POST', '/knowledge-bases', example('knowledgeBases.create'));
    expectDocumented('knowledgeBases.create', base, 201);
    expectDocumented(
      'knowledgeBases.addSource',
      await account.request(
        'POST',
        `/knowledge-bases/${base.body.id}/sources`,
        example('knowledgeBases.addSource'),
      ),
      202,
    );
    expectDocumented(
      'knowledgeBases.search',
      await account.request(
        'POST',
        `/knowledge-bases/${base.body.id}/search`,
        example('knowledgeBases.search'),
      ),
      200,
    );

    const hook = await account.request('POST', '/webhooks', {
      ...example('webhooks.create'),
      enabled: false,
    });
    expectDocumented('webhooks.create', hook, 201);
    expectDocumented(
      'webhooks.update',
      await account.request('PATCH', `/webhooks/${hook.body.id}`, { enabled: false }),
      200,
    );
    expectDocumented(
      'webhooks.listDeliveries',
      await account.request('GET', `/webhooks/${hook.body.id}/deliveries`),
      200,
    );

    // The compatible APIs, with their examples (the agent above is the account's primary one).
    expectDocumented(
      'asyntai.chat',
      await account.request('POST', '/api/v1/chat', example('asyntai.chat')),
      200,
    );
    expectDocumented('asyntai.listWebsites', await account.request('GET', '/api/v1/websites'), 200);
    const session = await account.request('POST', '/api/session');
    expectDocumented('aksita.createSession', session, 200);
    expectDocumented(
      'aksita.chat',
      await account.request('POST', '/api/chat', {
        ...example('aksita.chat'),
        conversation_id: session.body.data.conversation_id,
      }),
      200,
    );

    // Errors come in the documented shape.
    const missing = await account.request('GET', `/chats/${flowId}`);
    expectDocumented('chats.get', missing, 404);
    expectDocumented('aksita.chat', await account.request('POST', '/api/chat', {}), 400);

    for (const id of ['service.info', 'service.health', 'service.ready', 'service.live'])
      expectDocumented(id, await call(api.url, 'GET', operation(id).path), 200);
  });
});
