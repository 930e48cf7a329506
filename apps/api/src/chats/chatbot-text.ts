import type { TerminationMatch } from '@conclave/domain';

/**
 * What the chatbot APIs (Aksita, Asyntai) show an end user of an agent's message: the text without
 * AG2 control markers. `TERMINATE` tells the other agent to stop; a website visitor should never
 * read "Goodbye! TERMINATE". The native transcript keeps the raw message (the markers are part of
 * what the agents said and of why the run ended).
 */

/** AG2's default termination message, removed wherever it stands as a word. */
const TERMINATE: TerminationMatch = { type: 'contains', value: 'TERMINATE', case_sensitive: true };

/** The termination rules a message answers to: its sender's own and its receiver's (which checks it). */
export function markersFor(spec: unknown, sender: string, receiver: string | null): TerminationMatch[] {
  const flow = spec as {
    agents?: { name: string; is_termination_msg?: TerminationMatch }[];
    chat?: { manager?: { name?: string; is_termination_msg?: TerminationMatch } };
  } | null;
  const rules = [
    ...(flow?.agents ?? []).map((a) => ({ name: a.name, rule: a.is_termination_msg })),
    { name: flow?.chat?.manager?.name ?? 'chat_manager', rule: flow?.chat?.manager?.is_termination_msg },
  ];
  const markers = [TERMINATE];
  for (const { name, rule } of rules) {
    if (rule && rule.type !== 'regex' && (name === sender || name === receiver)) markers.push(rule);
  }
  return markers;
}

/**
 * Removes each marker: a `contains` phrase wherever it stands on its own (not inside a longer
 * word), an `exact` one when it is the whole message. Regex rules are not removed (a pattern may
 * match ordinary words). Returns "" when nothing else was said.
 */
export function withoutMarkers(text: string, markers: readonly TerminationMatch[]): string {
  let out = text;
  for (const marker of markers) {
    const flags = marker.case_sensitive === false ? 'gi' : 'g';
    if (marker.type === 'exact') {
      if (new RegExp(`^\\s*${escape(marker.value)}\\s*$`, flags).test(out)) return '';
    } else if (marker.type === 'contains') {
      out = out.replace(
        new RegExp(`(?<![\\p{L}\\p{N}_])${escape(marker.value)}(?![\\p{L}\\p{N}_])`, `${flags}u`),
        '',
      );
    }
  }
  return out
    .replace(/[ \t]+([.,!?;:])(?=\s|$)/g, '$1')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/[ \t]+$/gm, '')
    .trim();
}

function escape(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
