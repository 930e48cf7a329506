import type { FlowSpec } from '@conclave/sdk';
import { flowGraph } from './flow-graph';

const agents = [{ name: 'user' }, { name: 'a' }, { name: 'b' }];

describe('flowGraph', () => {
  it('two agents talk both ways', () => {
    expect(
      flowGraph({ name: 'f', agents, chat: { type: 'two_agent', initiator: 'user', recipient: 'a' } }).edges,
    ).toEqual([
      { from: 'user', to: 'a', label: 'initiates' },
      { from: 'a', to: 'user' },
    ]);
  });

  it('a group chat draws its allowed transitions, or the manager as a hub', () => {
    const graph: FlowSpec = {
      name: 'g',
      agents,
      chat: { type: 'group', allowed_transitions: { user: ['a'], a: ['b', 'user'] } },
    };
    expect(flowGraph(graph).edges).toEqual([
      { from: 'user', to: 'a' },
      { from: 'a', to: 'b' },
      { from: 'a', to: 'user' },
    ]);
    const hub = flowGraph({ name: 'g', agents, chat: { type: 'group' } });
    expect(hub.nodes).toContain('chat_manager');
    expect(hub.edges).toHaveLength(3);
  });

  it('sequential chats are numbered', () => {
    const seq = flowGraph({
      name: 's',
      agents,
      chat: {
        type: 'sequential',
        chats: [
          { initiator: 'user', recipient: 'a' },
          { initiator: 'user', recipient: 'b' },
        ],
      },
    });
    expect(seq.edges.map((e) => e.label)).toEqual(['chat 1', 'chat 2']);
  });
});
