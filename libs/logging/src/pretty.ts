/**
 * The human format (a terminal, or LOG_FORMAT=pretty): `HH:MM:SS.mmm LEVEL [context] message k=v`.
 * Colours only when writing to a terminal, so a redirected file never holds ANSI codes.
 */
const COLORS: Record<string, string> = {
  trace: '\x1b[90m',
  debug: '\x1b[36m',
  info: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[35m',
};
const RESET = '\x1b[0m';
const HIDDEN = new Set(['level', 'time', 'msg', 'context', 'pid', 'hostname', 'service']);

export function formatPretty(record: Record<string, unknown>, colors: boolean): string {
  const level = String(record.level ?? 'info');
  const time = typeof record.time === 'string' ? record.time.slice(11, 23) : '';
  const label = level.toUpperCase().padEnd(5);
  const context = record.context ? `[${String(record.context)}] ` : '';
  const fields = Object.entries(record)
    .filter(([key, value]) => !HIDDEN.has(key) && value !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`);
  const text = [`${context}${String(record.msg ?? '')}`, ...fields].join(' ').trim();
  const head = colors ? `${COLORS[level] ?? ''}${label}${RESET}` : label;
  return `${time} ${head} ${text}\n`;
}

function formatValue(value: unknown): string {
  if (typeof value === 'string') return /[\s"=]/.test(value) ? JSON.stringify(value) : value;
  if (value && typeof value === 'object' && 'stack' in value && typeof value.stack === 'string')
    return `\n${value.stack}`;
  return JSON.stringify(value);
}
