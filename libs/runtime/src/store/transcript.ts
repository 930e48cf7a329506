import type { TranscriptMessage } from '@conclave/domain';
import type { TranscriptRow } from '@conclave/persistence';

/** A stored message as the engine reads it (empty meta and absent fields left out). */
export function toTranscriptMessage(row: TranscriptRow): TranscriptMessage {
  return {
    sender: row.sender,
    recipient: row.recipient,
    type: row.type,
    content: row.content,
    ...(row.tool_calls ? { tool_calls: row.tool_calls } : {}),
    ...(row.tool_call_id ? { tool_call_id: row.tool_call_id } : {}),
    ...(row.meta && Object.keys(row.meta).length ? { meta: row.meta } : {}),
    ...(row.usage ? { usage: row.usage } : {}),
  };
}
