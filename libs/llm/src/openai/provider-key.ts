import type { FlowSpec, LlmSpec } from '@conclave/domain';
import type { LlmConfig } from '../llm-config';

type KeyConfig = Pick<LlmConfig, 'openai'> & {
  /** Secret names the flow's account can use; unset → `api_key_ref` is not checked. */
  secretNames?: ReadonlySet<string>;
};

/**
 * The environment variable an `openai` llm needs set to have an API key, or null when it has one or
 * needs none. Without `api_key_ref` the key is `OPENAI_API_KEY`, which only OpenAI's own endpoint
 * requires (local OpenAI-compatible servers accept any key). `api_key_ref: NAME` needs the account's
 * secret NAME (`PUT /secrets/NAME`) or the operator's `CONCLAVE_SECRET_NAME`.
 */
export function missingApiKeyVariable(llm: LlmSpec, config: KeyConfig): string | null {
  if (llm.provider !== 'openai') return null;
  if (llm.api_key_ref !== undefined)
    return !config.secretNames || config.secretNames.has(llm.api_key_ref)
      ? null
      : `CONCLAVE_SECRET_${llm.api_key_ref}`;
  if (config.openai.apiKey) return null;
  return isOpenAiEndpoint(llm.base_url ?? config.openai.baseUrl) ? 'OPENAI_API_KEY' : null;
}

/** What to tell the user: the variable to set, in the server's environment. */
export function missingApiKeyMessage(variable: string): string {
  if (variable.startsWith('CONCLAVE_SECRET_'))
    return `no API key for the openai provider: store it with PUT /secrets/${variable.slice('CONCLAVE_SECRET_'.length)} or set ${variable} in the server's environment and restart it`;
  return `no API key for the openai provider: set ${variable} in the server's environment and restart it`;
}

/**
 * Save-time warnings for a flow whose models have no key configured (the flow is still saved: the
 * operator may set the variable before the first run), e.g.
 * `agents.1.llm: no API key for the openai provider: set OPENAI_API_KEY ...`.
 */
export function providerKeyWarnings(flow: FlowSpec, config: KeyConfig): string[] {
  const llms: [string, LlmSpec | null | undefined][] = flow.agents.map((a, i) => [`agents.${i}.llm`, a.llm]);
  if (flow.chat.type === 'group') llms.push(['chat.manager.llm', flow.chat.manager.llm]);
  const warnings: string[] = [];
  for (const [path, llm] of llms) {
    const variable = llm ? missingApiKeyVariable(llm, config) : null;
    if (variable) warnings.push(`${path}: ${missingApiKeyMessage(variable)} (runs fail until then)`);
  }
  return warnings;
}

function isOpenAiEndpoint(baseUrl: string | undefined): boolean {
  if (baseUrl === undefined) return true;
  try {
    return new URL(baseUrl).hostname.endsWith('openai.com');
  } catch {
    return false;
  }
}
