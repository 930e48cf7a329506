import type { Provider } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ChatsRepository, FlowsRepository, RunsRepository, UsageRepository } from '@conclave/persistence';
import { RUN_DISPATCHER, type RunDispatcher } from '@conclave/runtime';
import { ChatAnnouncer } from './chat-announcer';
import { ChatWaiter } from './chat-waiter';
import { MessageAdmission } from './message-admission';
import { AnswerInput } from './use-cases/answer-input';
import { CancelRun } from './use-cases/cancel-run';
import { Converse } from './use-cases/converse';
import { RunOutcomes } from './use-cases/run-outcome';
import { StartRun } from './use-cases/start-run';

/** The chat use cases (plain classes, use-cases/) wired to the repositories, the bus and the config. */
export const USE_CASE_PROVIDERS: Provider[] = [
  {
    provide: RunOutcomes,
    inject: [ChatsRepository, ChatWaiter, APP_CONFIG],
    useFactory: (chats: ChatsRepository, waiter: ChatWaiter, config: AppConfig) =>
      new RunOutcomes(chats, waiter, config.waitTimeoutMs),
  },
  {
    provide: CancelRun,
    inject: [RunsRepository, ChatsRepository, ChatAnnouncer],
    useFactory: (runs: RunsRepository, chats: ChatsRepository, announcer: ChatAnnouncer) =>
      new CancelRun(runs, chats, announcer),
  },
  {
    provide: StartRun,
    inject: [
      MessageAdmission,
      RunsRepository,
      ChatsRepository,
      RUN_DISPATCHER,
      ChatAnnouncer,
      CancelRun,
      ChatWaiter,
      RunOutcomes,
      APP_CONFIG,
    ],
    useFactory: (
      admission: MessageAdmission,
      runs: RunsRepository,
      chats: ChatsRepository,
      dispatcher: RunDispatcher,
      announcer: ChatAnnouncer,
      cancel: CancelRun,
      waiter: ChatWaiter,
      outcomes: RunOutcomes,
      config: AppConfig,
    ) =>
      new StartRun(
        admission,
        runs,
        chats,
        dispatcher,
        announcer,
        cancel,
        waiter,
        outcomes,
        config.waitTimeoutMs,
      ),
  },
  {
    provide: AnswerInput,
    inject: [
      MessageAdmission,
      RunsRepository,
      RUN_DISPATCHER,
      ChatAnnouncer,
      ChatWaiter,
      RunOutcomes,
      APP_CONFIG,
    ],
    useFactory: (
      admission: MessageAdmission,
      runs: RunsRepository,
      dispatcher: RunDispatcher,
      announcer: ChatAnnouncer,
      waiter: ChatWaiter,
      outcomes: RunOutcomes,
      config: AppConfig,
    ) => new AnswerInput(admission, runs, dispatcher, announcer, waiter, outcomes, config.claimIdleMs),
  },
  {
    provide: Converse,
    inject: [
      StartRun,
      AnswerInput,
      ChatsRepository,
      FlowsRepository,
      UsageRepository,
      ChatWaiter,
      APP_CONFIG,
    ],
    useFactory: (
      start: StartRun,
      answer: AnswerInput,
      chats: ChatsRepository,
      flows: FlowsRepository,
      usage: UsageRepository,
      waiter: ChatWaiter,
      config: AppConfig,
    ) => new Converse(start, answer, chats, flows, usage, waiter, config.waitTimeoutMs),
  },
];
