import { generateApiKey } from '@conclave/auth';
import { loadConfig } from '@conclave/config';
import { AccountsRepository, Database } from '@conclave/persistence';
import { resolveDatabase } from './database-url';

const USAGE = `Usage: npm run cli -- keys:create [--email you@example.com] [--name default] [--plan free|starter|standard|pro]
Creates the account when it does not exist, then an API key, and prints the key once.`;

/** Bootstrap commands that need no API key (the first key has to come from somewhere). */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'keys:create') {
    process.stderr.write(`${USAGE}\n`);
    return command ? 2 : 0;
  }
  const options = parseOptions(rest);
  const config = loadConfig();
  const database = await resolveDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const db = new Database(database.url, { poolSize: 2 });
  try {
    await db.connect();
    await db.migrate();
    const accounts = new AccountsRepository(db);
    const email = options.email ?? 'admin@conclave.local';
    const account =
      (await accounts.findByEmail(email)) ??
      (await accounts.create(email, {
        plan: options.plan ?? 'free',
        credits: config.credits.defaultBalance,
      }));
    const key = generateApiKey();
    await accounts.createKey(account.id, { name: options.name ?? 'cli', prefix: key.prefix, hash: key.hash });
    process.stdout.write(`Account: ${email}\nAPI key: ${key.secret}\n`);
    return 0;
  } finally {
    await db.close();
    await database.embedded?.stop();
  }
}

function parseOptions(args: string[]): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '');
    if (!name || args[i + 1] === undefined) throw new Error(`missing value for ${args[i]}\n${USAGE}`);
    options[name] = args[i + 1];
  }
  return options;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  },
);
