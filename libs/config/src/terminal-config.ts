import { z } from 'zod';
import { ConfigError } from './config';

/** `npm run chat`: which server to talk to, with which key (a client of the public API, not a server). */
export interface TerminalConfig {
  url: string;
  key: string;
}

const TerminalEnv = z.object({
  CONCLAVE_URL: z.string().url().default('http://localhost:3000'),
  CONCLAVE_KEY: z.string().min(1, 'CONCLAVE_KEY is required: an API key (printed by the first npm start)'),
});

export function loadTerminalConfig(env: NodeJS.ProcessEnv = process.env): TerminalConfig {
  const parsed = TerminalEnv.safeParse({
    CONCLAVE_URL: env.CONCLAVE_URL || undefined,
    CONCLAVE_KEY: env.CONCLAVE_KEY ?? '',
  });
  if (!parsed.success)
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  return { url: parsed.data.CONCLAVE_URL.replace(/\/+$/, ''), key: parsed.data.CONCLAVE_KEY };
}
