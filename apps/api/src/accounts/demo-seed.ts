import { accountScope, parseFlowSpec, type FlowSpecInput } from '@conclave/domain';
import { AccountsRepository, AgentsRepository, Database, FlowsRepository } from '@conclave/persistence';
import { generateApiKey } from '@conclave/auth';

import { DEMO_EMAIL } from './demo-email';

export { DEMO_EMAIL };

/** The demo flow: a person (user_proxy, ALWAYS) talking to an assistant on the scripted provider. */
export const DEMO_FLOW: FlowSpecInput = {
  name: 'Demo: helpful assistant',
  description: 'Two-agent chat: you talk to a scripted assistant; answer its input requests, or "exit".',
  agents: [
    { name: 'user', type: 'user_proxy', human_input_mode: 'ALWAYS' },
    {
      name: 'assistant',
      type: 'assistant',
      system_message: 'You are a helpful assistant.',
      llm: {
        provider: 'scripted',
        rules: [{ match: '/\\bbye\\b/i', reply: 'Goodbye! TERMINATE' }],
        replies: [
          'Hello! I am the Conclave demo assistant. What would you like to do?',
          'Noted. Tell me more, or type "exit" to finish.',
        ],
      },
    },
  ],
  chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 20 },
};

/**
 * First start of the embedded default: a demo account, the demo flow, its primary agent and an API
 * key. Returns the key's secret (shown once) or null when the database was already seeded.
 */
export async function seedDemo(
  db: Database,
  credits: number,
): Promise<{ apiKey: string; flowId: string } | null> {
  const accounts = new AccountsRepository(db);
  if (await accounts.findByEmail(DEMO_EMAIL)) return null;
  const account = await accounts.create(DEMO_EMAIL, { plan: 'pro', credits });
  const owner = accountScope(account.id);
  const parsed = parseFlowSpec(DEMO_FLOW);
  if (!parsed.ok) throw new Error(`demo flow is invalid: ${parsed.errors.join('; ')}`);
  const flow = await new FlowsRepository(db).create(owner, parsed.flow.name, parsed.flow);
  // The primary agent: what the Aksita and Asyntai APIs talk to without a website_id.
  await new AgentsRepository(db).create(owner, {
    name: 'Demo assistant',
    flowId: flow.id,
    domain: null,
  });
  const key = generateApiKey();
  await accounts.createKey(owner, { name: 'demo', prefix: key.prefix, hash: key.hash });
  return { apiKey: key.secret, flowId: flow.id };
}
