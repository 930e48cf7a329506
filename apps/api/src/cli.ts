import { generateApiKey } from '@conclave/auth';
import { describeStartupError, loadConfig } from '@conclave/config';
import { accountScope } from '@conclave/domain';
import { AccountsRepository, Database } from '@conclave/persistence';
import { DEMO_EMAIL } from './accounts/demo-seed';
import { chooseKeyAccount } from './accounts/key-account';
import { resolveDatabase } from './database-url';

const USAGE = `Usage: npm run cli -- keys:create [--email you@example.com] [--name cli] [--plan free|starter|standard|pro]
Prints a new API key, once. Without --email the key is for the demo account (embedded start) or the
only account there is; --email picks an account, and creates it (empty) when it does not exist.
Uses DATABASE_URL, or the embedded Postgres in DATA_DIR (the running server's, or started for the command).`;

/** Bootstrap commands that need no API key (the first key has to come from somewhere). */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== 'keys:create') {
    process.stderr.write(`${USAGE}\n`);
    return command && command !== '--help' ? 2 : 0;
  }
  const options = parseOptions(rest);
  const config = loadConfig();
  const database = await resolveDatabase(config, (line) => process.stderr.write(`${line}\n`));
  const db = new Database(database.url, { poolSize: 2, applicationName: 'conclave-cli' });
  try {
    await db.connect();
    await db.migrate();
    const accounts = new AccountsRepository(db);
    const known = new Set<string>();
    if (options.email && (await accounts.findByEmail(options.email))) known.add(options.email);
    if (await accounts.findByEmail(DEMO_EMAIL)) known.add(DEMO_EMAIL);
    for (const account of await accounts.list(11)) known.add(account.email);

    const choice = chooseKeyAccount(options.email, [...known]);
    if (choice.kind === 'refuse') {
      process.stderr.write(`${choice.message}\n`);
      return 1;
    }
    const account =
      choice.kind === 'existing'
        ? (await accounts.findByEmail(choice.email))!
        : await accounts.create(choice.email, {
            plan: options.plan ?? 'free',
            credits: config.credits.defaultBalance,
          });
    const key = generateApiKey();
    await accounts.createKey(accountScope(account.id), {
      name: options.name ?? 'cli',
      prefix: key.prefix,
      hash: key.hash,
    });
    const about =
      choice.kind === 'existing'
        ? `Account: ${account.email} (${choice.why})`
        : `Account: ${account.email} (created now: it has no flows or agents yet)`;
    process.stdout.write(`${about}\nAPI key: ${key.secret}\n`);
    return 0;
  } finally {
    await db.close();
    await database.embedded?.stop();
  }
}

function parseOptions(args: string[]): { email?: string; name?: string; plan?: string } {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]?.replace(/^--/, '');
    if (!['email', 'name', 'plan'].includes(name)) throw new UsageError(`unknown option ${args[i]}`);
    if (args[i + 1] === undefined) throw new UsageError(`missing value for ${args[i]}`);
    options[name] = args[i + 1];
  }
  return options;
}

class UsageError extends Error {}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) process.stderr.write(`${err.message}\n${USAGE}\n`);
    else process.stderr.write(`keys:create failed: ${describeStartupError(err)}\n`);
    process.exit(1);
  },
);
