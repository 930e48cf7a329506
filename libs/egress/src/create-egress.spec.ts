import type { LookupAddress } from 'node:dns';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createEgress } from './create-egress';
import type { EgressPolicy } from './egress-policy';
import { EgressBlockedError, EgressLimitError } from './errors';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

async function serve(handler: Handler): Promise<{ port: number; server: Server; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, server, seen };
}

/** A resolver that answers every name with the given address (a rebinding DNS server, in effect). */
function resolvingTo(address: string, family = 4): EgressPolicy['lookup'] {
  return ((_name: string, _options: unknown, callback: (e: null, a: LookupAddress[]) => void) =>
    callback(null, [{ address, family }])) as unknown as EgressPolicy['lookup'];
}

describe('createEgress', () => {
  let target: Awaited<ReturnType<typeof serve>>;
  let other: Awaited<ReturnType<typeof serve>>;
  const servers: Server[] = [];

  beforeAll(async () => {
    target = await serve((req, res) => {
      if (req.url === '/big') {
        for (let i = 0; i < 50; i++) res.write('x'.repeat(100)); // chunked: no content-length
        return res.end();
      }
      if (req.url === '/big-declared') {
        res.setHeader('content-length', '5000');
        return res.end('x'.repeat(5000));
      }
      if (req.url === '/drip') {
        res.write('a');
        const t = setInterval(() => res.write('a'), 50);
        req.on('close', () => clearInterval(t));
        return;
      }
      if (req.url === '/stall') {
        res.write('first chunk');
        return;
      }
      if (req.url?.startsWith('/redirect-to/')) {
        res.statusCode = 302;
        res.setHeader('location', decodeURIComponent(req.url.slice('/redirect-to/'.length)));
        return res.end();
      }
      if (req.url === '/loop') {
        res.statusCode = 307;
        res.setHeader('location', '/loop');
        return res.end();
      }
      res.end(`hello ${req.method} ${req.url}`);
    });
    other = await serve((req, res) =>
      res.end(`other ${req.method} auth=${req.headers.authorization ?? '-'}`),
    );
    servers.push(target.server, other.server);
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  const strict = () => createEgress({ allowPrivate: false, allowedHosts: '' });

  it.each([
    ['http://127.0.0.1:1/', 'loopback'],
    ['http://2130706433:1/', 'loopback'],
    ['http://0x7f000001:1/', 'loopback'],
    ['http://0.0.0.0:1/', 'unspecified'],
    ['http://[::ffff:127.0.0.1]:1/', 'IPv4-mapped'],
    ['http://[::1]:1/', 'loopback'],
    ['http://[::]:1/', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://10.0.0.1/', 'private'],
    ['http://172.16.5.4/', 'private'],
    ['http://192.168.0.1/', 'private'],
    ['http://100.64.0.1/', 'carrier-grade NAT'],
    ['http://[fc00::1]/', 'unique local'],
    ['http://[fe80::1]/', 'link-local'],
  ])('refuses %s before connecting', async (url, range) => {
    const err = await strict()
      .fetch(url)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EgressBlockedError);
    expect((err as Error).message).toContain(range);
    expect((err as Error).message).toContain('EGRESS_ALLOWED_HOSTS');
  });

  it('refuses a name that resolves to loopback (localhost), on the resolved address', async () => {
    const err = await strict()
      .fetch(`http://localhost:${target.port}/`)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EgressBlockedError);
    expect((err as Error).message).toMatch(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/);
    expect(target.seen.some((r) => r.headers.host?.startsWith('localhost'))).toBe(false);
  });

  it('refuses a public-looking name whose DNS answer is private (rebinding)', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: '', lookup: resolvingTo('127.0.0.1') });
    const err = await egress.fetch(`http://rebind.example.com:${target.port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EgressBlockedError);
    expect((err as Error).message).toContain('rebind.example.com (127.0.0.1)');
    const metadata = createEgress({
      allowPrivate: false,
      allowedHosts: '',
      lookup: resolvingTo('169.254.169.254'),
    });
    await expect(metadata.fetch('http://metadata.example.com/')).rejects.toBeInstanceOf(EgressBlockedError);
  });

  it.each([
    'file:///etc/passwd',
    'ftp://example.com/',
    'gopher://127.0.0.1:6379/_INFO',
    'data:text/plain,hi',
  ])('allows http and https only: %s', async (url) => {
    const err = await strict()
      .fetch(url)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EgressBlockedError);
    expect((err as Error).message).toContain('only http and https');
  });

  it('lets an allowed host:port through, and only that port', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: `127.0.0.1:${target.port}` });
    const res = await egress.fetch(`http://127.0.0.1:${target.port}/ok`, { method: 'POST', body: '{}' });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('hello POST /ok');
    await expect(egress.fetch(`http://127.0.0.1:${other.port}/`)).rejects.toBeInstanceOf(EgressBlockedError);
    await expect(egress.fetch(`http://localhost:${target.port}/`)).rejects.toBeInstanceOf(EgressBlockedError);
  });

  it('allows everything with allowPrivate', async () => {
    const res = await createEgress({ allowPrivate: true, allowedHosts: '' }).fetch(
      `http://localhost:${other.port}/`,
    );
    expect(await res.text()).toBe('other GET auth=-');
  });

  it('re-checks every redirect hop', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: `127.0.0.1:${target.port}` });
    const toBlocked = encodeURIComponent(`http://127.0.0.1:${other.port}/secret`);
    const err = await egress
      .fetch(`http://127.0.0.1:${target.port}/redirect-to/${toBlocked}`)
      .catch((e) => e);
    expect(err).toBeInstanceOf(EgressBlockedError);
    expect((err as Error).message).toContain(`EGRESS_ALLOWED_HOSTS=127.0.0.1:${other.port}`);
    expect(other.seen.some((r) => r.url === '/secret')).toBe(false);

    const toMetadata = encodeURIComponent('http://169.254.169.254/latest/meta-data/');
    await expect(
      egress.fetch(`http://127.0.0.1:${target.port}/redirect-to/${toMetadata}`),
    ).rejects.toBeInstanceOf(EgressBlockedError);
  });

  it('follows allowed redirects, as GET after a 302 POST, without credentials across origins', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: `127.0.0.1` });
    const same = await egress.fetch(`http://127.0.0.1:${target.port}/redirect-to/%2Fthere`, {
      method: 'POST',
      body: 'x',
    });
    expect(await same.text()).toBe('hello GET /there');
    const cross = await egress.fetch(
      `http://127.0.0.1:${target.port}/redirect-to/${encodeURIComponent(`http://127.0.0.1:${other.port}/`)}`,
      { headers: { authorization: 'Bearer top-secret', 'x-api-key': 'top-secret' } },
    );
    expect(await cross.text()).toBe('other GET auth=-');
    expect(other.seen.at(-1)?.headers['x-api-key']).toBeUndefined();
  });

  it('stops redirect loops', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: '127.0.0.1', maxRedirects: 3 });
    const err = await egress.fetch(`http://127.0.0.1:${target.port}/loop`).catch((e) => e);
    expect(err).toBeInstanceOf(EgressLimitError);
    expect((err as Error).message).toContain('redirected more than 3 times');
  });

  it('caps the response size, declared or streamed', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: '127.0.0.1', maxResponseBytes: 1000 });
    const declared = await egress.fetch(`http://127.0.0.1:${target.port}/big-declared`).catch((e) => e);
    expect(declared).toBeInstanceOf(EgressLimitError);
    const streamed = await egress.fetch(`http://127.0.0.1:${target.port}/big`);
    const err = await streamed.text().catch((e) => e);
    expect(err).toBeInstanceOf(EgressLimitError);
    expect((err as Error).message).toContain('1000-byte limit');
  });

  it('caps the whole exchange, body included', async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: '127.0.0.1', timeoutMs: 300 });
    const res = await egress.fetch(`http://127.0.0.1:${target.port}/drip`);
    const err = await res.text().catch((e) => e);
    expect(err).toBeInstanceOf(EgressLimitError);
    expect((err as Error).message).toContain('exceeded its 300 ms limit');
  });

  it('caps the wait between body chunks', async () => {
    const egress = createEgress({
      allowPrivate: false,
      allowedHosts: '127.0.0.1',
      timeoutMs: 30_000,
      idleTimeoutMs: 200,
    });
    const res = await egress.fetch(`http://127.0.0.1:${target.port}/stall`);
    const err = await res.text().catch((e) => e);
    expect(err).toBeInstanceOf(EgressLimitError);
    expect((err as Error).message).toContain('sent nothing for 200 ms');
  });

  it("honours the caller's abort signal", async () => {
    const egress = createEgress({ allowPrivate: false, allowedHosts: '127.0.0.1' });
    const controller = new AbortController();
    const res = await egress.fetch(`http://127.0.0.1:${target.port}/stall`, { signal: controller.signal });
    const reading = res.text();
    controller.abort(new Error('cancelled by caller'));
    await expect(reading).rejects.toThrow('cancelled by caller');
  });
});
