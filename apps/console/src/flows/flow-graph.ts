import type { FlowSpec } from '@conclave/sdk';

export interface GraphEdge {
  from: string;
  to: string;
  label?: string;
}

/** Who may talk to whom in a flow: the graph the console draws (agents as nodes). */
export function flowGraph(spec: FlowSpec): { nodes: string[]; edges: GraphEdge[] } {
  const nodes = (spec.agents ?? []).map((a) => a.name);
  const chat = spec.chat ?? ({} as FlowSpec['chat']);
  const edges: GraphEdge[] = [];
  if (chat.type === 'two_agent' && chat.initiator && chat.recipient) {
    edges.push(
      { from: chat.initiator, to: chat.recipient, label: 'initiates' },
      { from: chat.recipient, to: chat.initiator },
    );
  } else if (chat.type === 'sequential') {
    (chat.chats ?? []).forEach((c, i) =>
      edges.push({ from: c.initiator, to: c.recipient, label: `chat ${i + 1}` }),
    );
  } else if (chat.type === 'group') {
    const members = [...(chat.agents ?? nodes)];
    if (chat.allowed_transitions) {
      for (const [from, targets] of Object.entries(chat.allowed_transitions))
        for (const to of targets) edges.push({ from, to });
    } else {
      // Without a transition graph every member may follow every other: draw the manager as the hub.
      nodes.push('chat_manager');
      for (const m of members) edges.push({ from: 'chat_manager', to: m });
    }
  }
  return { nodes, edges };
}
