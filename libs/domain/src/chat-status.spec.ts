import { CHAT_STATUSES, isChatStatus, nextChatStatus, type ChatEvent, type ChatStatus } from './chat-status';

describe('chat status machine (docs/architecture.md)', () => {
  const allowed: [ChatStatus, ChatEvent, ChatStatus][] = [
    ['ready', 'message', 'running'],
    ['running', 'input_requested', 'wait_for_human_input'],
    ['wait_for_human_input', 'input_answered', 'running'],
    ['running', 'run_completed', 'completed'],
    ['running', 'run_failed', 'error'],
    ['running', 'run_cancelled', 'completed'],
    ['wait_for_human_input', 'run_completed', 'completed'],
    ['wait_for_human_input', 'run_cancelled', 'completed'],
    ['wait_for_human_input', 'run_failed', 'error'],
    ['completed', 'message', 'running'],
    ['error', 'message', 'running'],
  ];

  it.each(allowed)('%s --%s--> %s', (from, event, to) => {
    expect(nextChatStatus(from, event)).toBe(to);
  });

  const events: ChatEvent[] = [
    'message',
    'input_requested',
    'input_answered',
    'run_completed',
    'run_failed',
    'run_cancelled',
  ];
  const refused = CHAT_STATUSES.flatMap((from) =>
    events
      .filter((event) => !allowed.some(([f, e]) => f === from && e === event))
      .map((event) => [from, event] as [ChatStatus, ChatEvent]),
  );

  it.each(refused)('%s refuses %s', (from, event) => {
    expect(nextChatStatus(from, event)).toBeNull();
  });

  it('a message to an active chat is refused (the API answers 409)', () => {
    expect(nextChatStatus('running', 'message')).toBeNull();
    expect(nextChatStatus('wait_for_human_input', 'message')).toBeNull();
  });

  it('input is only accepted while waiting', () => {
    for (const status of CHAT_STATUSES)
      expect(nextChatStatus(status, 'input_answered') !== null).toBe(status === 'wait_for_human_input');
  });

  it('recognises the five Agentok statuses only', () => {
    expect(CHAT_STATUSES).toEqual(['ready', 'running', 'wait_for_human_input', 'completed', 'error']);
    expect(isChatStatus('running')).toBe(true);
    expect(isChatStatus('paused')).toBe(false);
    expect(isChatStatus(3)).toBe(false);
  });
});
