import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';

/** Open SSE responses of this process: ended at shutdown, or the HTTP server would wait on them forever. */
@Injectable()
export class SseStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<() => void>();

  track(end: () => void): () => void {
    this.open.add(end);
    return () => this.open.delete(end);
  }

  beforeApplicationShutdown(): void {
    for (const end of [...this.open]) end();
  }
}
