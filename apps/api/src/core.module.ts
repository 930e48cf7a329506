import { type DynamicModule, Global, Module } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '@conclave/config';
import { ApiKeyAuthenticator, ApiKeyGuard } from '@conclave/auth';
import {
  AccountsRepository,
  AgentsRepository,
  ChatsRepository,
  ClaimsRepository,
  Database,
  EventsRepository,
  ForksRepository,
  FlowsRepository,
  RunsRepository,
  SecretsRepository,
  UsageRepository,
  WebhooksRepository,
} from '@conclave/persistence';
import type { IngestionDispatcher, KnowledgeServices } from '@conclave/knowledge';
import { type EventBus } from '@conclave/realtime';
import { RUN_DISPATCHER, type RunDispatcher } from '@conclave/runtime';

export const EVENT_BUS = Symbol('EVENT_BUS');
export const KNOWLEDGE = Symbol('KNOWLEDGE');
export const INGESTION_DISPATCHER = Symbol('INGESTION_DISPATCHER');

/** The process-wide parts built before Nest starts (see api-app.ts), exposed to the feature modules. */
export interface CoreServices {
  config: AppConfig;
  db: Database;
  bus: EventBus;
  dispatcher: RunDispatcher;
  knowledge: KnowledgeServices;
  /** Where new and re-synced knowledge sources go to be indexed (in-process, or the BullMQ queue). */
  ingestion: IngestionDispatcher;
}

@Global()
@Module({})
export class CoreModule {
  static forRoot(core: CoreServices): DynamicModule {
    const repositories = [
      AccountsRepository,
      AgentsRepository,
      UsageRepository,
      ChatsRepository,
      ClaimsRepository,
      FlowsRepository,
      RunsRepository,
      EventsRepository,
      ForksRepository,
      SecretsRepository,
      WebhooksRepository,
    ].map((Repository) => ({
      provide: Repository,
      useFactory: (db: Database) => new Repository(db),
      inject: [Database],
    }));
    const providers = [
      { provide: APP_CONFIG, useValue: core.config },
      { provide: Database, useValue: core.db },
      { provide: EVENT_BUS, useValue: core.bus },
      { provide: RUN_DISPATCHER, useValue: core.dispatcher },
      { provide: KNOWLEDGE, useValue: core.knowledge },
      { provide: INGESTION_DISPATCHER, useValue: core.ingestion },
      ...repositories,
      {
        provide: ApiKeyAuthenticator,
        useFactory: (accounts: AccountsRepository) => {
          const authenticator = new ApiKeyAuthenticator(accounts, core.config.authFailuresPerMinute);
          // Keys revoked on any API instance leave this one's principal cache (docs/security.md).
          core.bus.subscribe((m) => {
            if (m.kind === 'revoked') authenticator.forget(m.keyIds);
          });
          return authenticator;
        },
        inject: [AccountsRepository],
      },
      ApiKeyGuard,
    ];
    return {
      module: CoreModule,
      providers,
      exports: providers.map((p) => ('provide' in p ? p.provide : p)),
    };
  }
}
