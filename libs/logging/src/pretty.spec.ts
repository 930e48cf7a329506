import { formatPretty } from './pretty';

describe('formatPretty', () => {
  const record = {
    level: 'info',
    time: '2026-11-29T13:37:10.123Z',
    pid: 1,
    context: 'HTTP',
    msg: 'request',
    method: 'GET',
    path: '/chats',
    status: 200,
    ms: 3.2,
  };

  it('writes one plain line without ANSI codes when not on a terminal', () => {
    const line = formatPretty(record, false);
    expect(line).toBe('13:37:10.123 INFO  [HTTP] request method=GET path=/chats status=200 ms=3.2\n');
    expect(line).not.toMatch(/\x1b\[/);
  });

  it('colours the level on a terminal', () => {
    expect(formatPretty(record, true)).toContain('\x1b[32mINFO \x1b[0m');
  });

  it('quotes values with spaces', () => {
    expect(
      formatPretty({ level: 'error', msg: 'run ended', error: 'Connection error (ENOTFOUND)' }, false),
    ).toContain('error="Connection error (ENOTFOUND)"');
  });
});
