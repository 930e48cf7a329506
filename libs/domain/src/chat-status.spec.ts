import { CHAT_STATUSES, isChatStatus, isRunStatus, RUN_STATUSES } from './chat-status';

describe('chat and run statuses', () => {
  it('recognises the five Agentok chat statuses only', () => {
    expect(CHAT_STATUSES).toEqual(['ready', 'running', 'wait_for_human_input', 'completed', 'error']);
    expect(isChatStatus('running')).toBe(true);
    expect(isChatStatus('paused')).toBe(false);
    expect(isChatStatus(3)).toBe(false);
  });

  it('run statuses are the runs table CHECK, pending included', () => {
    expect(RUN_STATUSES).toEqual([
      'pending',
      'queued',
      'running',
      'waiting',
      'completed',
      'failed',
      'cancelled',
    ]);
    expect(isRunStatus('pending')).toBe(true);
    expect(isRunStatus('paused')).toBe(false);
  });
});
