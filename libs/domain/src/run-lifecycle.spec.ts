import { CHAT_STATUSES, RUN_STATUSES, type ChatStatus, type RunStatus } from './chat-status';
import { decide, type LifecycleEvent, runIsIdle, RUN_LIFECYCLE } from './run-lifecycle';
import type { InputRequest } from './message';

const usage = { input_tokens: 3, output_tokens: 4, total_tokens: 7 };
const request: InputRequest = { agent: 'user', prompt: 'Your answer?', kind: 'text' };
const ended = { id: 'r1', usage };

/** One event of each kind (finish once per way a run ends). */
const EVENTS: Record<string, LifecycleEvent> = {
  start: { type: 'start', runId: 'r1' },
  enqueue: { type: 'enqueue', runId: 'r1' },
  promote: { type: 'promote', runId: 'r1' },
  drop_pending: { type: 'drop_pending' },
  claim: { type: 'claim' },
  release: { type: 'release' },
  wait_for_input: { type: 'wait_for_input', runId: 'r1', request },
  answer: { type: 'answer', runId: 'r1' },
  request_cancel: { type: 'request_cancel' },
  complete: { type: 'finish', run: ended, end: { status: 'completed', reason: 'max_turns', summary: 's' } },
  budget: {
    type: 'finish',
    run: ended,
    end: { status: 'completed', reason: 'max_run_seconds', summary: null },
  },
  fail: { type: 'finish', run: ended, end: { status: 'failed', reason: 'error', error: 'boom', kind: 'internal' } },
  cancel: { type: 'finish', run: ended, end: { status: 'cancelled', reason: 'cancelled' } },
  input_timeout: { type: 'input_timeout', run: ended },
};

type Row = [event: string, chat: ChatStatus, run: RunStatus | null, chatTo: ChatStatus, runTo: RunStatus];

/** Every allowed transition (docs/architecture.md, "Where a chat's status changes"); all else is refused. */
const ALLOWED: Row[] = [
  ['start', 'ready', null, 'running', 'queued'],
  ['start', 'completed', null, 'running', 'queued'],
  ['start', 'error', null, 'running', 'queued'],
  ['enqueue', 'running', null, 'running', 'pending'],
  ['enqueue', 'wait_for_human_input', null, 'wait_for_human_input', 'pending'],
  ['promote', 'completed', 'pending', 'running', 'queued'],
  ['promote', 'error', 'pending', 'running', 'queued'],
  ...CHAT_STATUSES.map((chat): Row => ['drop_pending', chat, 'pending', chat, 'cancelled']),
  ['claim', 'running', 'queued', 'running', 'running'],
  ['claim', 'running', 'running', 'running', 'running'],
  ['release', 'running', 'running', 'running', 'queued'],
  ['wait_for_input', 'running', 'running', 'wait_for_human_input', 'waiting'],
  ['answer', 'wait_for_human_input', 'waiting', 'running', 'queued'],
  ['request_cancel', 'running', 'queued', 'running', 'queued'],
  ['request_cancel', 'running', 'running', 'running', 'running'],
  ['request_cancel', 'running', 'waiting', 'running', 'waiting'],
  ['request_cancel', 'wait_for_human_input', 'queued', 'wait_for_human_input', 'queued'],
  ['request_cancel', 'wait_for_human_input', 'running', 'wait_for_human_input', 'running'],
  ['request_cancel', 'wait_for_human_input', 'waiting', 'wait_for_human_input', 'waiting'],
  ...(['complete', 'budget', 'fail', 'cancel'] as const).flatMap((event) =>
    (['running', 'wait_for_human_input'] as const).flatMap((chat) =>
      (['queued', 'running', 'waiting'] as const).map((run): Row => [
        event,
        chat,
        run,
        event === 'fail' ? 'error' : 'completed',
        event === 'fail' ? 'failed' : event === 'cancel' ? 'cancelled' : 'completed',
      ]),
    ),
  ),
  ['input_timeout', 'wait_for_human_input', 'waiting', 'completed', 'completed'],
];

const REFUSED = Object.keys(EVENTS).flatMap((event) =>
  CHAT_STATUSES.flatMap((chat) =>
    [null, ...RUN_STATUSES]
      .filter((run) => !ALLOWED.some(([e, c, r]) => e === event && c === chat && r === run))
      .map((run) => [event, chat, run] as [string, ChatStatus, RunStatus | null]),
  ),
);

describe('run lifecycle: every transition of the status machine', () => {
  it.each(ALLOWED)('%s: chat %s, run %s → chat %s, run %s', (event, chat, run, chatTo, runTo) => {
    const decision = decide(chat, run, EVENTS[event]);
    expect(decision).toMatchObject({ ok: true, chat: chatTo, run: runTo });
  });

  it.each(REFUSED)('%s: chat %s, run %s is refused and changes nothing', (event, chat, run) => {
    expect(decide(chat, run, EVENTS[event])).toEqual({ ok: false, chat, run });
  });

  it('covers every rule of the table', () => {
    const used = new Set(
      ALLOWED.map(([event]) => EVENTS[event]).map((e) =>
        e.type === 'finish' ? `finish_${e.end.status}` : e.type,
      ),
    );
    expect([...used].sort()).toEqual(Object.keys(RUN_LIFECYCLE).sort());
  });

  it('a message to an active chat is refused (the API answers 409), and enqueued instead when asked', () => {
    for (const chat of ['running', 'wait_for_human_input'] as const) {
      expect(decide(chat, null, EVENTS.start).ok).toBe(false);
      expect(decide(chat, null, EVENTS.enqueue)).toMatchObject({ ok: true, chat, run: 'pending' });
    }
  });

  it('an answer after the input timeout ended the run is refused, and a timeout after an answer too', () => {
    const timedOut = decide('wait_for_human_input', 'waiting', EVENTS.input_timeout);
    expect(timedOut.ok && decide(timedOut.chat, timedOut.run, EVENTS.answer).ok).toBe(false);
    const answered = decide('wait_for_human_input', 'waiting', EVENTS.answer);
    expect(answered.ok && decide(answered.chat, answered.run, EVENTS.input_timeout).ok).toBe(false);
  });
});

describe('run lifecycle: the events each transition appends', () => {
  const eventsOf = (chat: ChatStatus, run: RunStatus | null, event: string) => {
    const decision = decide(chat, run, EVENTS[event]);
    if (!decision.ok) throw new Error('refused');
    return decision.events;
  };

  it('start, promote and answer announce the chat running with the run', () => {
    expect(eventsOf('completed', null, 'start')).toEqual([
      { type: 'chat.status', data: { status: 'running', previous: 'completed', run_id: 'r1' } },
    ]);
    expect(eventsOf('error', 'pending', 'promote')).toEqual([
      { type: 'chat.status', data: { status: 'running', previous: 'error', run_id: 'r1' } },
    ]);
    expect(eventsOf('wait_for_human_input', 'waiting', 'answer')).toEqual([
      { type: 'chat.status', data: { status: 'running', previous: 'wait_for_human_input', run_id: 'r1' } },
    ]);
  });

  it('waiting for input carries the request in both events', () => {
    expect(eventsOf('running', 'running', 'wait_for_input')).toEqual([
      { type: 'input.requested', data: { run_id: 'r1', input_request: request } },
      {
        type: 'chat.status',
        data: { status: 'wait_for_human_input', previous: 'running', run_id: 'r1', input_request: request },
      },
    ]);
  });

  it.each([
    [
      'complete',
      { type: 'run.completed', data: { run_id: 'r1', termination_reason: 'max_turns', summary: 's', usage } },
      { status: 'completed', termination_reason: 'max_turns', last_error: null },
    ],
    [
      'budget',
      {
        type: 'run.completed',
        data: { run_id: 'r1', termination_reason: 'max_run_seconds', summary: null, usage },
      },
      { status: 'completed', termination_reason: 'max_run_seconds', last_error: null },
    ],
    [
      'fail',
      { type: 'run.failed', data: { run_id: 'r1', termination_reason: 'error', error: 'boom' } },
      { status: 'error', termination_reason: 'error', last_error: 'boom' },
    ],
    [
      'cancel',
      { type: 'run.cancelled', data: { run_id: 'r1', termination_reason: 'cancelled' } },
      { status: 'completed', termination_reason: 'cancelled', last_error: null },
    ],
    [
      'input_timeout',
      {
        type: 'run.completed',
        data: { run_id: 'r1', termination_reason: 'input_timeout', summary: null, usage },
      },
      { status: 'completed', termination_reason: 'input_timeout', last_error: null },
    ],
  ])('%s: the run event, then the chat status', (event, runEvent, status) => {
    expect(eventsOf('wait_for_human_input', 'waiting', event)).toEqual([
      runEvent,
      { type: 'chat.status', data: { ...status, previous: 'wait_for_human_input', run_id: 'r1' } },
    ]);
  });

  it.each(['enqueue', 'drop_pending', 'claim', 'release', 'request_cancel'])(
    '%s changes no chat status and appends nothing',
    (event) => {
      const row = ALLOWED.find(([e]) => e === event)!;
      expect(eventsOf(row[1], row[2], event)).toEqual([]);
    },
  );
});

describe('runIsIdle (decided with the database clock)', () => {
  const now = new Date('2026-01-01T00:00:10Z');
  it.each([
    ['queued', null, true],
    ['waiting', null, true],
    ['running', null, true],
    ['running', new Date('2026-01-01T00:00:09Z'), true],
    ['running', new Date('2026-01-01T00:00:11Z'), false],
  ] as [RunStatus, Date | null, boolean][])('%s with lease until %s → %s', (status, leaseUntil, idle) => {
    expect(runIsIdle({ status, lease_until: leaseUntil }, now)).toBe(idle);
  });
});
