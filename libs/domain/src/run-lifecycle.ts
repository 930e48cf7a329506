import {
  ACTIVE_CHAT_STATUSES,
  ACTIVE_RUN_STATUSES,
  CHAT_STATUSES,
  CLAIMABLE_RUN_STATUSES,
  ENDED_CHAT_STATUSES,
  LEASED_RUN_STATUSES,
  STARTABLE_CHAT_STATUSES,
  type ChatStatus,
  type RunStatus,
} from './chat-status';
import type { InputRequest, TokenUsage } from './message';
import type { FailureKind } from './run-failure';

/**
 * The run lifecycle: where a chat's status and its run's status change, and which events each change
 * appends to the chat's log. Pure: `decide` takes the statuses a transaction found (under the chat row
 * lock) and returns the statuses to write and the events to append; the repository's SQL guards are
 * built from the same `RUN_LIFECYCLE` sets and only adds what the database assigns (seqs, timestamps,
 * the lease clock).
 */

/** How a run ended: `reason` is the termination reason the API reports. */
export type RunEnd =
  | { status: 'completed'; reason: string; summary: string | null }
  | { status: 'failed'; reason: 'error' | string; error: string; kind: FailureKind }
  | { status: 'cancelled'; reason: 'cancelled' | string };

/** What the database accumulated on a run, reported when it ends. */
export interface EndedRun {
  id: string;
  usage: TokenUsage;
}

/** What happens to a chat's run. `runId` is the run the event is about (the new one for start/enqueue). */
export type LifecycleEvent =
  /** A user message to an idle chat (send, `multitask=enqueue` on an idle chat, interrupt once stopped). */
  | { type: 'start'; runId: string }
  /** `multitask=enqueue` while a run is active: a `pending` run waits behind it. */
  | { type: 'enqueue'; runId: string }
  /** The active run ended: the chat's oldest pending run starts. */
  | { type: 'promote'; runId: string }
  /** A cancel drops the chat's pending runs too (stop means stop). */
  | { type: 'drop_pending' }
  /** A worker takes (or renews, or takes over) the run's lease. */
  | { type: 'claim' }
  /** Graceful shutdown: the holder gives the run back after a committed step. */
  | { type: 'release' }
  /** The engine asked a human: nothing is held while the person thinks. */
  | { type: 'wait_for_input'; runId: string; request: InputRequest }
  /** A person answered: the run is queued again to apply the answer. */
  | { type: 'answer'; runId: string }
  /** Stop asked for: the holder sees the flag; an idle run is ended by the asker (`cancelled`). */
  | { type: 'request_cancel' }
  /** The run ended: the engine finished, it failed, it was cancelled, or a budget ran out. */
  | { type: 'finish'; run: EndedRun; end: RunEnd }
  /** Nobody answered the input request in time (the sweeper). */
  | { type: 'input_timeout'; run: EndedRun };

export type LifecycleEventType = LifecycleEvent['type'];

/** An entry for the chat's event log (the database gives it its seq and time). */
export interface ChatLogEvent {
  type: string;
  data: Record<string, unknown>;
}

/** `same`: the transition leaves that status as it is (it does not touch that row). */
export interface LifecycleRule {
  chatFrom: readonly ChatStatus[];
  /** `null`: there is no run yet (start, enqueue create it). */
  runFrom: readonly (RunStatus | null)[];
  chatTo: ChatStatus | 'same';
  runTo: RunStatus | 'same';
}

type RuleKey = Exclude<LifecycleEventType, 'finish'> | `finish_${RunEnd['status']}`;

/**
 * The status machine as data. The SQL guards of `RunsRepository` are built from these sets, so the
 * database refuses exactly what `decide` refuses.
 */
export const RUN_LIFECYCLE: Readonly<Record<RuleKey, LifecycleRule>> = {
  start: { chatFrom: STARTABLE_CHAT_STATUSES, runFrom: [null], chatTo: 'running', runTo: 'queued' },
  enqueue: { chatFrom: ACTIVE_CHAT_STATUSES, runFrom: [null], chatTo: 'same', runTo: 'pending' },
  promote: { chatFrom: ENDED_CHAT_STATUSES, runFrom: ['pending'], chatTo: 'running', runTo: 'queued' },
  drop_pending: { chatFrom: CHAT_STATUSES, runFrom: ['pending'], chatTo: 'same', runTo: 'cancelled' },
  // The lease's clock (expired or held by the claimer) is the database's: the SQL adds that condition.
  claim: { chatFrom: ['running'], runFrom: CLAIMABLE_RUN_STATUSES, chatTo: 'same', runTo: 'running' },
  release: { chatFrom: ['running'], runFrom: LEASED_RUN_STATUSES, chatTo: 'same', runTo: 'queued' },
  wait_for_input: {
    chatFrom: ['running'],
    runFrom: LEASED_RUN_STATUSES,
    chatTo: 'wait_for_human_input',
    runTo: 'waiting',
  },
  answer: { chatFrom: ['wait_for_human_input'], runFrom: ['waiting'], chatTo: 'running', runTo: 'queued' },
  request_cancel: {
    chatFrom: ACTIVE_CHAT_STATUSES,
    runFrom: ACTIVE_RUN_STATUSES,
    chatTo: 'same',
    runTo: 'same',
  },
  finish_completed: {
    chatFrom: ACTIVE_CHAT_STATUSES,
    runFrom: ACTIVE_RUN_STATUSES,
    chatTo: 'completed',
    runTo: 'completed',
  },
  finish_failed: {
    chatFrom: ACTIVE_CHAT_STATUSES,
    runFrom: ACTIVE_RUN_STATUSES,
    chatTo: 'error',
    runTo: 'failed',
  },
  // Agentok: a stopped chat is `completed` (it keeps what the run produced and takes new messages).
  finish_cancelled: {
    chatFrom: ACTIVE_CHAT_STATUSES,
    runFrom: ACTIVE_RUN_STATUSES,
    chatTo: 'completed',
    runTo: 'cancelled',
  },
  // Only a run still waiting times out: an answer that got in first wins.
  input_timeout: {
    chatFrom: ['wait_for_human_input'],
    runFrom: ['waiting'],
    chatTo: 'completed',
    runTo: 'completed',
  },
};

export function ruleOf(event: LifecycleEvent): LifecycleRule {
  return RUN_LIFECYCLE[event.type === 'finish' ? (`finish_${event.end.status}` as const) : event.type];
}

export type Decision =
  | { ok: true; chat: ChatStatus; run: RunStatus; events: ChatLogEvent[] }
  | { ok: false; chat: ChatStatus; run: RunStatus | null };

/** The statuses after `event` and the events to append, or a refusal that changes nothing. */
export function decide(chat: ChatStatus, run: RunStatus | null, event: LifecycleEvent): Decision {
  const rule = ruleOf(event);
  if (!rule.chatFrom.includes(chat) || !rule.runFrom.includes(run)) return { ok: false, chat, run };
  const next = {
    chat: rule.chatTo === 'same' ? chat : rule.chatTo,
    run: rule.runTo === 'same' ? (run as RunStatus) : rule.runTo,
  };
  return { ok: true, ...next, events: eventsOf(event, chat, next.chat) };
}

/** The log entries a transition appends; steps that change no chat status append none. */
function eventsOf(event: LifecycleEvent, previous: ChatStatus, status: ChatStatus): ChatLogEvent[] {
  switch (event.type) {
    case 'start':
    case 'promote':
    case 'answer':
      return [chatStatusEvent({ status, previous, run_id: event.runId })];
    case 'wait_for_input':
      return [
        { type: 'input.requested', data: { run_id: event.runId, input_request: event.request } },
        chatStatusEvent({ status, previous, run_id: event.runId, input_request: event.request }),
      ];
    case 'finish':
    case 'input_timeout': {
      const end: RunEnd =
        event.type === 'finish' ? event.end : { status: 'completed', reason: 'input_timeout', summary: null };
      const lastError = end.status === 'failed' ? end.error : null;
      return [
        runEndedEvent(event.run, end),
        chatStatusEvent({
          status,
          previous,
          run_id: event.run.id,
          termination_reason: end.reason,
          last_error: lastError,
        }),
      ];
    }
    case 'enqueue':
    case 'drop_pending':
    case 'claim':
    case 'release':
    case 'request_cancel':
      return [];
  }
}

function chatStatusEvent(data: {
  status: ChatStatus;
  previous: ChatStatus;
  run_id: string;
  [field: string]: unknown;
}): ChatLogEvent {
  return { type: 'chat.status', data };
}

function runEndedEvent(run: EndedRun, end: RunEnd): ChatLogEvent {
  switch (end.status) {
    case 'completed':
      return {
        type: 'run.completed',
        data: { run_id: run.id, termination_reason: end.reason, summary: end.summary, usage: run.usage },
      };
    case 'failed':
      return {
        type: 'run.failed',
        data: { run_id: run.id, termination_reason: end.reason, error: end.error },
      };
    case 'cancelled':
      return { type: 'run.cancelled', data: { run_id: run.id, termination_reason: end.reason } };
  }
}

/**
 * Whether nobody executes the run right now (queued, waiting, or its holder's lease ran out), so
 * whoever stops it ends it at once. `now` is the database's clock, the one leases are written with.
 */
export function runIsIdle(run: { status: RunStatus; lease_until: Date | null }, now: Date): boolean {
  return !LEASED_RUN_STATUSES.includes(run.status) || !run.lease_until || run.lease_until < now;
}
