import { budgetExceeded, msLeft } from './run-budget';

const budget = { maxSeconds: 10, maxMessages: 5 };
const startedAt = new Date('2026-01-01T00:00:00Z');
const at = (seconds: number) => new Date(startedAt.getTime() + seconds * 1000);

describe('run budget', () => {
  it('lets a run within both budgets go on', () => {
    expect(budgetExceeded(budget, { startedAt, messages: 2 }, at(3), 1)).toBeNull();
  });

  it('ends a run once its wall-clock time is spent, counted from its persisted start', () => {
    expect(budgetExceeded(budget, { startedAt, messages: 0 }, at(10))).toBe('max_run_seconds');
    expect(budgetExceeded(budget, { startedAt, messages: 0 }, at(9.9))).toBeNull();
  });

  it('ends a run at its message budget and refuses a step that would exceed it', () => {
    expect(budgetExceeded(budget, { startedAt, messages: 5 }, at(1))).toBe('max_run_messages');
    expect(budgetExceeded(budget, { startedAt, messages: 4 }, at(1), 2)).toBe('max_run_messages');
    expect(budgetExceeded(budget, { startedAt, messages: 4 }, at(1), 1)).toBeNull();
  });

  it('tells how long the run may still take', () => {
    expect(msLeft(budget, startedAt, at(4))).toBe(6000);
    expect(msLeft(budget, startedAt, at(40))).toBe(0);
  });
});
