import { ConfigError, loadTerminalConfig } from '@conclave/config';
import { TerminalChat } from './terminal-chat';

/** `npm run chat -- <flow id | agent id>` against a running server (CONCLAVE_URL, CONCLAVE_KEY). */
async function main(): Promise<number> {
  const target = process.argv[2];
  if (!target) {
    process.stderr.write('usage: npm run chat -- <flow id | agent id>   (env CONCLAVE_URL, CONCLAVE_KEY)\n');
    return 2;
  }
  const config = loadTerminalConfig();
  const chat = new TerminalChat({
    ...config,
    input: process.stdin,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.once('SIGINT', () => {
    void chat.cancel().finally(() => process.exit(130));
  });
  return chat.run(target);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof ConfigError ? err.message : ((err as Error)?.message ?? err)}\n`);
    process.exit(1);
  },
);
