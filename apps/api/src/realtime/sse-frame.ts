import type { EventEnvelope } from '@conclave/realtime';

const frames = new WeakMap<EventEnvelope, string>();

/**
 * The SSE frame of an envelope: `id: <seq>` + `data: <json>` for a persisted event, `data:` alone for
 * an ephemeral one (a delta must not move Last-Event-ID). Every stream of a chat is handed the same
 * envelope object from the bus, so it is serialised once for all of them, not once per stream.
 */
export function sseFrame(envelope: EventEnvelope): string {
  let frame = frames.get(envelope);
  if (frame === undefined) {
    const data = `data: ${JSON.stringify(envelope)}\n\n`;
    frame = envelope.seq === null ? data : `id: ${envelope.seq}\n${data}`;
    frames.set(envelope, frame);
  }
  return frame;
}
