import { DEMO_EMAIL } from './demo-email';

/** What `keys:create` should do: key an existing account, create the named one, or refuse and say why. */
export type KeyAccountChoice =
  | { kind: 'existing'; email: string; why: string }
  | { kind: 'create'; email: string }
  | { kind: 'refuse'; message: string };

/**
 * The account a new CLI key belongs to. Never a silent new empty account: without `--email` it is
 * the demo account (embedded start) or the only account there is; an unknown `--email` is created
 * and the output says so.
 */
export function chooseKeyAccount(emailOption: string | undefined, existing: string[]): KeyAccountChoice {
  if (emailOption) {
    return existing.includes(emailOption)
      ? { kind: 'existing', email: emailOption, why: 'as asked with --email' }
      : { kind: 'create', email: emailOption };
  }
  if (existing.includes(DEMO_EMAIL)) {
    return { kind: 'existing', email: DEMO_EMAIL, why: 'the demo account of the embedded start' };
  }
  if (existing.length === 1) return { kind: 'existing', email: existing[0], why: 'the only account' };
  if (existing.length === 0) {
    return {
      kind: 'refuse',
      message:
        'There is no account yet. Create one with its first key:\n' +
        '  npm run cli -- keys:create --email you@example.com',
    };
  }
  const listed = existing.slice(0, 10).map((email) => `  ${email}`);
  if (existing.length > 10) listed.push('  ...');
  return {
    kind: 'refuse',
    message:
      `There are several accounts; say which one with --email:\n${listed.join('\n')}\n` +
      `  npm run cli -- keys:create --email ${existing[0]}`,
  };
}
