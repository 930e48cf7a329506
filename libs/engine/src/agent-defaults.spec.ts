import { AgentSpec } from '@conclave/domain';
import { agentDefaults, CONVERSABLE_SYSTEM_MESSAGE, managerDefaults } from './agent-defaults';
import { flow, scripted } from './testing/flows';

const agent = (input: Record<string, unknown>) => agentDefaults(AgentSpec.parse({ name: 'x', ...input }));

describe('agent defaults by type (AG2)', () => {
  it.each([
    ['conversable', 'TERMINATE'],
    ['assistant', 'NEVER'],
    ['user_proxy', 'ALWAYS'],
  ])('%s → human_input_mode %s, limit 100, termination exactly TERMINATE, default reply ""', (type, mode) => {
    const a = agent({ type });
    expect(a.humanInputMode).toBe(mode);
    expect(a.maxConsecutiveAutoReply).toBe(100);
    expect(a.isTerminationMsg).toEqual({ type: 'exact', value: 'TERMINATE', case_sensitive: true });
    expect(a.defaultAutoReply).toBe('');
  });

  it('a flow agent without type is conversable', () => {
    expect(agent({}).type).toBe('conversable');
    expect(agent({}).systemMessage).toBe(CONVERSABLE_SYSTEM_MESSAGE);
  });

  it('assistant system message is AG2 DEFAULT_SYSTEM_MESSAGE, ending with the TERMINATE instruction', () => {
    const s = agent({ type: 'assistant' }).systemMessage;
    expect(s.startsWith('You are a helpful AI assistant.')).toBe(true);
    expect(s.endsWith('Reply "TERMINATE" in the end when everything is done.')).toBe(true);
  });

  it('user proxy has no system message and no LLM unless one is configured', () => {
    expect(agent({ type: 'user_proxy' }).systemMessage).toBe('');
    expect(agent({ type: 'user_proxy' }).llm).toBeNull();
    expect(agent({ type: 'user_proxy', llm: scripted('x') }).llm?.provider).toBe('scripted');
  });

  it('explicit settings win over the type defaults', () => {
    const a = agent({
      type: 'assistant',
      human_input_mode: 'ALWAYS',
      max_consecutive_auto_reply: 3,
      system_message: 'S',
      default_auto_reply: 'ok',
      is_termination_msg: { type: 'contains', value: 'BYE' },
    });
    expect(a).toMatchObject({
      humanInputMode: 'ALWAYS',
      maxConsecutiveAutoReply: 3,
      systemMessage: 'S',
      defaultAutoReply: 'ok',
    });
    expect(a.isTerminationMsg).toEqual({ type: 'contains', value: 'BYE', case_sensitive: true });
  });

  it('group manager: name chat_manager, AG2 system message, default termination', () => {
    const f = flow({ agents: [{ name: 'a' }, { name: 'b' }], chat: { type: 'group', initiator: 'a' } });
    if (f.chat.type !== 'group') throw new Error();
    expect(managerDefaults(f.chat)).toEqual({
      name: 'chat_manager',
      llm: null,
      systemMessage: 'Group chat manager.',
      isTerminationMsg: { type: 'exact', value: 'TERMINATE', case_sensitive: true },
    });
  });
});
