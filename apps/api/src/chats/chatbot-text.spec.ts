import { markersFor, withoutMarkers } from './chatbot-text';

describe('chatbot text without control markers', () => {
  const flow = {
    agents: [
      { name: 'user', is_termination_msg: { type: 'contains', value: 'bye for now', case_sensitive: false } },
      { name: 'assistant', is_termination_msg: { type: 'exact', value: 'DONE', case_sensitive: true } },
      { name: 'other', is_termination_msg: { type: 'contains', value: 'Good', case_sensitive: true } },
    ],
    chat: {
      manager: { name: 'boss', is_termination_msg: { type: 'regex', value: 'x', case_sensitive: true } },
    },
  };
  const strip = (text: string, sender = 'assistant', receiver = 'user') =>
    withoutMarkers(text, markersFor(flow, sender, receiver));

  it.each([
    ['Goodbye! TERMINATE', 'Goodbye!'],
    ['TERMINATE', ''],
    ['All set.\nTERMINATE', 'All set.'],
    ['Done TERMINATE.', 'Done.'],
    ['TERMINATED is a word, TERMINATE is not', 'TERMINATED is a word, is not'],
    ['DONE', ''],
    ['Not DONE yet', 'Not DONE yet'],
    ['Thanks, Bye For Now', 'Thanks,'],
    ['Good morning', 'Good morning'],
    ['Plain answer', 'Plain answer'],
  ])('%j → %j', (text, expected) => {
    expect(strip(text)).toBe(expected);
  });

  it("uses the sender's and the receiver's rules only, and never a regex rule", () => {
    expect(markersFor(flow, 'assistant', 'user').map((m) => m.value)).toEqual([
      'TERMINATE',
      'bye for now',
      'DONE',
    ]);
    expect(markersFor(flow, 'other', 'boss').map((m) => m.value)).toEqual(['TERMINATE', 'Good']);
    expect(markersFor(null, 'a', null).map((m) => m.value)).toEqual(['TERMINATE']);
  });
});
