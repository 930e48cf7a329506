import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EventRow } from '@conclave/persistence';
import { type EventBus, toEnvelope } from '@conclave/realtime';
import { EVENT_BUS } from '../core.module';
import type { Announcer } from './use-cases/ports';

/** The use cases' announcements, on the event bus (every API process and worker hears them). */
@Injectable()
export class ChatAnnouncer implements Announcer {
  private readonly log = new Logger('Runs');

  constructor(@Inject(EVENT_BUS) private readonly bus: EventBus) {}

  events(accountId: string, chatId: string, events: EventRow[]): void {
    if (events.length)
      this.bus.publish({ kind: 'events', accountId, chatId, events: events.map(toEnvelope) });
  }

  cancel(runId: string): void {
    this.bus.publish({ kind: 'cancel', runId });
  }

  /** The executor logs the runs it ends; a cancelled idle run ends in the API (see logRunEnd). */
  runEnded(entry: { runId: string; chatId: string; accountId: string }): void {
    this.log.log(
      {
        msg: 'run ended',
        run_id: entry.runId,
        chat_id: entry.chatId,
        account_id: entry.accountId,
        status: 'cancelled',
        termination_reason: 'cancelled',
      },
      'Runs',
    );
  }
}
