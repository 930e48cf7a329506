import { parseFlowSpec } from '@conclave/domain';
import { drive } from '@conclave/engine';
import { convertAgentokFlow, DEFAULT_OPENAI_MODEL } from './convert-agentok-flow';
import groupChatFlow from './fixtures/group-chat.json';
import nestedChatFlow from './fixtures/nested-chat.json';
import sequentialFlow from './fixtures/sequential.json';
import twoAgentFlow from './fixtures/two-agent.json';
import unknownNodeFlow from './fixtures/unknown-node.json';
import withNoteFlow from './fixtures/with-note.json';

type Node = {
  id: string;
  type: string;
  data: Record<string, unknown>;
  parentId?: string;
  parentNode?: string;
};
type Edge = { id: string; source: string; target: string; data?: Record<string, unknown> };

const initializer: Node = { id: 'init', type: 'initializer', data: { name: 'Start' } };
const userNode = (id = 'u', data: Record<string, unknown> = {}): Node => ({
  id,
  type: 'user',
  data: { name: 'User', human_input_mode: 'ALWAYS', ...data },
});
const assistantNode = (id: string, name: string, data: Record<string, unknown> = {}): Node => ({
  id,
  type: 'assistant',
  data: { name, llm_config: { model: 'gpt-4o' }, ...data },
});
const edge = (source: string, target: string, data?: Record<string, unknown>): Edge => ({
  id: `${source}-${target}`,
  source,
  target,
  ...(data && { data }),
});
/** initializer → u (User) → a (Assistant), plus whatever a test adds. */
function userToAssistant(
  extraNodes: Node[] = [],
  extraEdges: Edge[] = [],
  chatOptions?: Record<string, unknown>,
): { nodes: Node[]; edges: Edge[] } {
  return {
    nodes: [initializer, userNode(), assistantNode('a', 'Assistant'), ...extraNodes],
    edges: [edge('init', 'u'), edge('u', 'a', chatOptions), ...extraEdges],
  };
}
/** A flow with one agent node of the given data as the recipient. */
function withRecipient(node: Node) {
  return {
    nodes: [initializer, userNode(), node],
    edges: [edge('init', 'u'), edge('u', node.id)],
  };
}
function groupFlow(group: Record<string, unknown> = {}, members: Node[] = defaultMembers()) {
  return {
    nodes: [
      initializer,
      userNode(),
      {
        id: 'g',
        type: 'groupchat',
        data: { name: 'Team', speaker_selection_method: 'round_robin', ...group },
      },
      ...members,
    ],
    edges: [edge('init', 'u'), edge('u', 'g')],
  };
}
function defaultMembers(): Node[] {
  return [
    { ...assistantNode('w', 'Writer'), parentId: 'g' },
    { ...assistantNode('c', 'Critic'), parentId: 'g' },
  ];
}

describe('convertAgentokFlow: Agentok fixtures', () => {
  it('converts user → assistant into a two_agent chat with AG2 fields', () => {
    const result = convertAgentokFlow(twoAgentFlow, { name: 'Billing' });
    expect(result).toEqual({
      flow: {
        name: 'Billing',
        agents: [
          {
            name: 'User',
            type: 'user_proxy',
            human_input_mode: 'ALWAYS',
            // Agentok generates `"terminate" in msg["content"].lower()`.
            is_termination_msg: { type: 'contains', value: 'terminate', case_sensitive: false },
          },
          {
            name: 'Assistant',
            type: 'assistant',
            description: 'Answers billing questions.',
            system_message: 'You help customers with billing. Reply TERMINATE when the question is answered.',
            max_consecutive_auto_reply: 10,
            llm: { provider: 'openai', model: 'gpt-4o', temperature: 0.3 },
          },
        ],
        chat: {
          type: 'two_agent',
          initiator: 'User',
          recipient: 'Assistant',
          max_turns: 10,
          summary_method: 'last_msg',
        },
      },
      errors: [],
      warnings: [],
    });
    expect(parseFlowSpec(result.flow).ok).toBe(true);
  });

  it('treats max_consecutive_auto_reply 0 as unset, as Agentok templates do', () => {
    const user = convertAgentokFlow(twoAgentFlow).flow!.agents[0];
    expect(user).not.toHaveProperty('max_consecutive_auto_reply');
  });

  it('converts a groupchat node with three members into a group chat led by the first converser', () => {
    const result = convertAgentokFlow(groupChatFlow);
    expect(result.errors).toEqual([]);
    expect(result.flow!.agents.map((a) => [a.name, a.type])).toEqual([
      ['Admin', 'user_proxy'],
      ['Writer', 'assistant'],
      ['Critic', 'assistant'],
      ['Fact Checker', 'conversable'],
    ]);
    expect(result.flow!.chat).toEqual({
      type: 'group',
      initiator: 'Admin',
      // Members first, then the outside initiator (Agentok appends it).
      agents: ['Writer', 'Critic', 'Fact Checker', 'Admin'],
      max_round: 12,
      speaker_selection: 'round_robin',
      send_introductions: true,
      manager: { name: 'Editorial Team' },
      summary_method: 'reflection_with_llm',
    });
    expect(result.warnings).toEqual([
      'node 5: code execution is not supported; agent "Fact Checker" will not run code',
    ]);
    expect(parseFlowSpec(result.flow).ok).toBe(true);
  });

  it('converts several targets of the first converser into sequential chats, in node order', () => {
    const result = convertAgentokFlow(sequentialFlow);
    expect(result.errors).toEqual([]);
    expect(result.flow!.chat).toEqual({
      type: 'sequential',
      chats: [
        {
          initiator: 'Customer',
          recipient: 'Researcher',
          max_turns: 2,
          summary_method: 'reflection_with_llm',
        },
        {
          initiator: 'Customer',
          recipient: 'Writer',
          message: 'Write a short article from the research.',
          max_turns: 1,
        },
        { initiator: 'Customer', recipient: 'Reviewer', message: 'Continue.' },
      ],
    });
    expect(result.warnings).toEqual([
      'node 5: gpt_assistant "Reviewer" becomes a plain assistant; the OpenAI Assistants API (assistant_id, files, its tools) is not used',
      'edge reactflow__edge-2-5: no message for chat 3 of the sequence, using "Continue."',
    ]);
    expect(parseFlowSpec(result.flow).ok).toBe(true);
  });

  it('maps a gpt_assistant to an assistant whose system message is its instructions', () => {
    const reviewer = convertAgentokFlow(sequentialFlow).flow!.agents[3];
    expect(reviewer).toEqual({
      name: 'Reviewer',
      type: 'assistant',
      system_message: 'You proofread articles.',
      llm: { provider: 'openai', model: 'gpt-4o' },
    });
  });

  it('ignores note nodes silently and reads max_turns from the initializer', () => {
    const result = convertAgentokFlow(withNoteFlow);
    expect(result).toEqual({
      flow: {
        name: 'Imported Agentok flow',
        agents: [
          { name: 'Support Desk', type: 'conversable', human_input_mode: 'TERMINATE', llm: null },
          {
            name: 'Billing Expert',
            type: 'assistant',
            llm: { provider: 'openai', model: 'llama3.1', temperature: 0.2, max_tokens: 512 },
          },
        ],
        chat: {
          type: 'two_agent',
          initiator: 'Support Desk',
          recipient: 'Billing Expert',
          max_turns: 4,
          summary_method: 'last_msg',
        },
      },
      errors: [],
      warnings: [],
    });
  });

  it('converts a nestedchat node into an agent with nested chats (trigger: its sender)', () => {
    const result = convertAgentokFlow(nestedChatFlow);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'edge enested-4: no message for inner chat 2 of nested chat nested-1, using "Continue."',
    ]);
    expect(result.flow!.chat).toEqual({ type: 'two_agent', initiator: 'User', recipient: 'Inner monologue' });
    expect(result.flow!.agents[1]).toEqual({
      name: 'Inner monologue',
      type: 'conversable',
      nested_chats: {
        trigger: 'User',
        chat_queue: [
          { recipient: 'Thinker', max_turns: 2 },
          { recipient: 'Critic', message: 'Continue.', summary_method: 'last_msg' },
        ],
      },
    });
  });

  it('the converted nested-chat flow runs (scripted models in place of gpt-4o)', () => {
    const converted = convertAgentokFlow(nestedChatFlow).flow!;
    const scripted = (reply: string) => ({ provider: 'scripted' as const, replies: [reply] });
    const parsed = parseFlowSpec({
      ...converted,
      agents: converted.agents.map((a) =>
        a.name === 'Thinker'
          ? { ...a, llm: scripted('thought') }
          : a.name === 'Critic'
            ? { ...a, llm: scripted('TERMINATE') }
            : a,
      ),
    });
    if (!parsed.ok) throw new Error(parsed.errors.join('; '));
    const result = drive(
      parsed.flow,
      { message: 'Think about it', seed: 1, history: [] },
      {
        // The owner (TERMINATE mode) is asked on the critic's TERMINATE ("" ends the inner chat), then the user.
        human: ['', 'exit'],
      },
    );
    expect(result.messages.map((m) => [m.sender, m.recipient, m.content])).toEqual([
      ['User', 'Inner monologue', 'Think about it'],
      ['Inner monologue', 'Thinker', 'Think about it'],
      ['Thinker', 'Inner monologue', 'thought'],
      ['Inner monologue', 'Thinker', ''],
      ['Thinker', 'Inner monologue', 'thought'],
      ['Inner monologue', 'Critic', 'Continue.\nContext: \nthought'],
      ['Critic', 'Inner monologue', 'TERMINATE'],
      ['Inner monologue', 'User', ''],
    ]);
    expect(result.step).toMatchObject({ type: 'end', reason: 'human_exit' });
  });

  it('reports each node of an unknown type by id and returns no flow', () => {
    expect(convertAgentokFlow(unknownNodeFlow)).toEqual({
      flow: null,
      errors: ['node 7: unsupported node type "captainagent"', 'node 999: unsupported node type "config"'],
      warnings: [],
    });
  });
});

describe('convertAgentokFlow: outer shape', () => {
  it.each([
    ['not an object', 'flow.json', '(body): Invalid input: expected object, received string'],
    ['no nodes', { edges: [] }, 'nodes: Invalid input: expected array, received undefined'],
    ['a node without id', { nodes: [{ type: 'user', data: {} }] }, 'nodes.0.id: Invalid input'],
    ['a node without data', { nodes: [{ id: '1', type: 'user' }] }, 'nodes.0.data: Invalid input'],
    ['a node without type', { nodes: [{ id: '1', data: {} }] }, 'nodes.0.type: Invalid input'],
    [
      'an edge without target',
      { nodes: [], edges: [{ id: 'e', source: '1' }] },
      'edges.0.target: Invalid input',
    ],
  ])('rejects %s', (_case, input, error) => {
    const result = convertAgentokFlow(input);
    expect(result.flow).toBeNull();
    expect(result.errors).toEqual([expect.stringContaining(error)]);
  });

  it('accepts an Agentok project {name, flow} and takes its name and description', () => {
    const result = convertAgentokFlow({
      name: 'Billing bot',
      description: 'Answers invoices',
      flow: twoAgentFlow,
    });
    expect(result.errors).toEqual([]);
    expect(result.flow).toMatchObject({ name: 'Billing bot', description: 'Answers invoices' });
  });

  it('prefers options.name over the project name', () => {
    const result = convertAgentokFlow({ name: 'Billing bot', flow: twoAgentFlow }, { name: 'Mine' });
    expect(result.flow!.name).toBe('Mine');
  });

  it('accepts numeric node ids', () => {
    const result = convertAgentokFlow({
      nodes: [
        { id: 1, type: 'initializer', data: {} },
        { id: 2, type: 'user', data: { name: 'User' } },
        { id: 3, type: 'assistant', data: { name: 'Helper', llm_config: { model: 'm' } } },
      ],
      edges: [
        { source: 1, target: 2 },
        { source: 2, target: 3 },
      ],
    });
    expect(result.errors).toEqual([]);
    expect(result.flow!.chat).toEqual({ type: 'two_agent', initiator: 'User', recipient: 'Helper' });
  });

  it('reports duplicate node ids', () => {
    const flow = userToAssistant([assistantNode('a', 'Other')]);
    expect(convertAgentokFlow(flow).errors).toEqual(['node a: duplicate node id']);
  });

  it('reports an edge to a missing node', () => {
    const flow = userToAssistant([], [edge('a', 'ghost')]);
    const result = convertAgentokFlow(flow);
    expect(result.flow).toBeNull();
    expect(result.errors).toEqual(['edge a-ghost: connects missing node "ghost"']);
  });
});

describe('convertAgentokFlow: initializer and first converser', () => {
  it('needs an initializer node', () => {
    const flow = { nodes: [userNode(), assistantNode('a', 'Assistant')], edges: [edge('u', 'a')] };
    expect(convertAgentokFlow(flow).errors).toEqual([
      'flow: no "initializer" node (it marks the agent that starts the chat)',
    ]);
  });

  it('reports a second initializer by id', () => {
    const flow = userToAssistant([{ id: 'init2', type: 'initializer', data: {} }]);
    expect(convertAgentokFlow(flow).errors).toEqual([
      'node init2: a second "initializer" node (a flow has exactly one, node init)',
    ]);
  });

  it('reports an initializer connected to nothing or to several agents', () => {
    const unconnected = { nodes: [initializer, userNode()], edges: [] };
    expect(convertAgentokFlow(unconnected).errors).toEqual([
      'node init: the initializer must connect to exactly one agent, found none',
    ]);
    const twice = userToAssistant([], [edge('init', 'a')]);
    expect(convertAgentokFlow(twice).errors).toEqual([
      'node init: the initializer must connect to exactly one agent, found node u, node a',
    ]);
  });

  it('reports an initializer pointing at something other than an agent', () => {
    const flow = groupFlow();
    flow.edges = [edge('init', 'g')];
    expect(convertAgentokFlow(flow).errors).toEqual([
      'node g: the initializer must point at an agent node (conversable, user, assistant or gpt_assistant), not a "groupchat" node',
    ]);
  });

  it('reports a first converser with nobody to talk to', () => {
    const flow = { nodes: [initializer, userNode()], edges: [edge('init', 'u')] };
    expect(convertAgentokFlow(flow).errors).toEqual([
      'node u: the first converser "User" is not connected to an agent or group chat',
    ]);
  });

  it('reports a chat edge pointing back at the initializer', () => {
    const flow = userToAssistant([], [edge('u', 'init')]);
    expect(convertAgentokFlow(flow).errors).toEqual([
      'edge u-init: a chat cannot be started with the initializer node init',
    ]);
  });
});

describe('convertAgentokFlow: agents', () => {
  it('sanitizes names to the spec rules and warns', () => {
    const flow = {
      nodes: [
        initializer,
        userNode('u', { name: 'Customer (VIP)' }),
        assistantNode('a', '42 answers'),
        assistantNode('b', ' Padded '),
        assistantNode('c', '研究员'),
        assistantNode('d', 'x'.repeat(80)),
      ],
      edges: [
        edge('init', 'u'),
        edge('u', 'a'),
        edge('u', 'b', { message: 'm' }),
        edge('u', 'c', { message: 'm' }),
      ],
    };
    const result = convertAgentokFlow(flow);
    expect(result.errors).toEqual([]);
    expect(result.flow!.agents.map((a) => a.name)).toEqual([
      'Customer _VIP_',
      'agent_42 answers',
      'Padded',
      'agent_c',
      'x'.repeat(64),
    ]);
    expect(result.warnings).toEqual(
      expect.arrayContaining([
        'node u: agent name "Customer (VIP)" changed to "Customer _VIP_"',
        'node a: agent name "42 answers" changed to "agent_42 answers"',
        'node b: agent name " Padded " changed to "Padded"',
        'node c: agent name "研究员" changed to "agent_c"',
        `node d: agent name "${'x'.repeat(80)}" changed to "${'x'.repeat(64)}"`,
      ]),
    );
  });

  it('names an agent without a name after its node id', () => {
    const result = convertAgentokFlow(withRecipient({ id: 'n-7', type: 'assistant', data: {} }));
    expect(result.flow!.agents[1].name).toBe('agent_n-7');
    expect(result.warnings).toContain('node n-7: agent name missing, using "agent_n-7"');
  });

  it('deduplicates names with _2, _3 and warns', () => {
    const flow = {
      nodes: [initializer, userNode(), assistantNode('a', 'Helper'), assistantNode('b', 'Helper')],
      edges: [edge('init', 'u'), edge('u', 'a'), edge('u', 'b', { message: 'again' })],
    };
    flow.nodes.push(assistantNode('c', 'Helper'));
    flow.edges.push(edge('u', 'c', { message: 'once more' }));
    const result = convertAgentokFlow(flow);
    expect(result.flow!.agents.map((a) => a.name)).toEqual(['User', 'Helper', 'Helper_2', 'Helper_3']);
    expect(result.warnings).toEqual([
      'node b: agent name "Helper" changed to "Helper_2"',
      'node c: agent name "Helper" changed to "Helper_3"',
    ]);
  });

  it('maps each agent node type', () => {
    const flow = {
      nodes: [
        initializer,
        { id: 'u', type: 'conversable', data: { name: 'Lead', llm_config: { model: 'm' } } },
        { id: 'a', type: 'user', data: { name: 'Human' } },
        { id: 'b', type: 'assistant', data: { name: 'Helper', llm_config: { model: 'm' } } },
        { id: 'c', type: 'gpt_assistant', data: { name: 'Oracle', llm_config: { model: 'm' } } },
      ],
      edges: [
        edge('init', 'u'),
        edge('u', 'a'),
        edge('u', 'b', { message: 'm' }),
        edge('u', 'c', { message: 'm' }),
      ],
    };
    const result = convertAgentokFlow(flow);
    expect(result.flow!.agents.map((a) => a.type)).toEqual([
      'conversable',
      'user_proxy',
      'assistant',
      'assistant',
    ]);
  });

  it('accepts human_input_mode in any case and reports an unknown one', () => {
    const ok = convertAgentokFlow(withRecipient(assistantNode('a', 'A', { human_input_mode: 'terminate' })));
    expect(ok.flow!.agents[1].human_input_mode).toBe('TERMINATE');
    const bad = convertAgentokFlow(withRecipient(assistantNode('a', 'A', { human_input_mode: 'SOMETIMES' })));
    expect(bad.flow).toBeNull();
    expect(bad.errors).toEqual([
      'node a: unsupported human_input_mode "SOMETIMES" (use ALWAYS, TERMINATE or NEVER)',
    ]);
  });

  it('reads max_consecutive_auto_reply from a number or a numeric string and reports a bad one', () => {
    const ok = convertAgentokFlow(
      withRecipient(assistantNode('a', 'A', { max_consecutive_auto_reply: '7' })),
    );
    expect(ok.flow!.agents[1].max_consecutive_auto_reply).toBe(7);
    const bad = convertAgentokFlow(
      withRecipient(assistantNode('a', 'A', { max_consecutive_auto_reply: -1 })),
    );
    expect(bad.errors).toEqual(['node a: max_consecutive_auto_reply must be a whole number ≥ 0']);
  });

  it('gives an agent that needs a model and names none the default one, with a warning', () => {
    const result = convertAgentokFlow(withRecipient({ id: 'a', type: 'conversable', data: { name: 'A' } }));
    expect(result.flow!.agents[1].llm).toEqual({ provider: 'openai', model: DEFAULT_OPENAI_MODEL });
    expect(result.warnings).toEqual([`node a: no model given, using openai "gpt-4o-mini"`]);
  });

  it('keeps a model-less temperature with the default model', () => {
    const node = { id: 'a', type: 'assistant', data: { name: 'A', llm_config: { temperature: 0.9 } } };
    expect(convertAgentokFlow(withRecipient(node)).flow!.agents[1].llm).toEqual({
      provider: 'openai',
      model: 'gpt-4o-mini',
      temperature: 0.9,
    });
  });

  it('gives a user node no LLM unless it names a model', () => {
    const plain = convertAgentokFlow(userToAssistant());
    expect(plain.flow!.agents[0]).not.toHaveProperty('llm');
    expect(plain.warnings).toEqual([]);
    const flow = userToAssistant();
    flow.nodes[1] = userNode('u', { model: 'gpt-4o' });
    expect(convertAgentokFlow(flow).flow!.agents[0].llm).toEqual({ provider: 'openai', model: 'gpt-4o' });
  });

  it('maps disable_llm to llm null', () => {
    const result = convertAgentokFlow(withRecipient(assistantNode('a', 'A', { disable_llm: true })));
    expect(result.flow!.agents[1].llm).toBeNull();
    expect(result.warnings).toEqual([]);
  });

  it('takes the base URL but never the API key from a config_list', () => {
    const llmConfig = {
      config_list: [{ model: 'llama3', base_url: 'http://ollama:11434/v1', api_key: 'sk-x' }],
    };
    const result = convertAgentokFlow(withRecipient(assistantNode('a', 'A', { llm_config: llmConfig })));
    expect(result.flow!.agents[1].llm).toEqual({
      provider: 'openai',
      model: 'llama3',
      base_url: 'http://ollama:11434/v1',
    });
    expect(JSON.stringify(result.flow)).not.toContain('sk-x');
    expect(result.warnings).toEqual([
      "node a: the API key in llm_config is not imported; the server's configured key is used",
    ]);
  });

  it('warns, naming the node, about code execution', () => {
    const result = convertAgentokFlow(
      withRecipient(assistantNode('coder', 'Coder', { enable_code_execution: true })),
    );
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'node coder: code execution is not supported; agent "Coder" will not run code',
    ]);
  });

  it('warns about agent classes it converts as plain agents', () => {
    const node = assistantNode('a', 'Eyes', { class: 'MultimodalConversableAgent' });
    expect(convertAgentokFlow(withRecipient(node)).warnings).toEqual([
      'node a: agent class "MultimodalConversableAgent" is not supported; "Eyes" becomes a plain assistant',
    ]);
  });

  it('warns about an agent that takes no part in the chat', () => {
    const flow = userToAssistant([assistantNode('idle', 'Idle')]);
    const result = convertAgentokFlow(flow);
    expect(result.flow!.agents.map((a) => a.name)).toEqual(['User', 'Assistant', 'Idle']);
    expect(result.warnings).toEqual(['node idle: agent "Idle" takes no part in the chat']);
  });
});

describe('convertAgentokFlow: chat options on edges', () => {
  it('reports a bad max_turns and an unknown summary_method by edge id', () => {
    const result = convertAgentokFlow(userToAssistant([], [], { max_turns: 2.5, summary_method: 'best' }));
    expect(result.flow).toBeNull();
    expect(result.errors).toEqual([
      'edge u-a: max_turns must be a whole number ≥ 1',
      'edge u-a: unsupported summary_method "best" (use last_msg or reflection_with_llm)',
    ]);
  });

  it('treats max_turns 0 as unset, as Agentok templates do', () => {
    const result = convertAgentokFlow(userToAssistant([], [], { max_turns: 0 }));
    expect(result.flow!.chat).toEqual({ type: 'two_agent', initiator: 'User', recipient: 'Assistant' });
  });

  it('lets the edge override the initializer options of a single chat', () => {
    const flow = userToAssistant([], [], { max_turns: 3 });
    flow.nodes[0] = { ...initializer, data: { max_turns: 9, summary_method: 'reflection_with_llm' } };
    expect(convertAgentokFlow(flow).flow!.chat).toEqual({
      type: 'two_agent',
      initiator: 'User',
      recipient: 'Assistant',
      max_turns: 3,
      summary_method: 'reflection_with_llm',
    });
  });

  it('warns that a message on the first chat is replaced by the user message', () => {
    const two = convertAgentokFlow(userToAssistant([], [], { message: 'Hello' }));
    expect(two.warnings).toEqual(["edge u-a: message is ignored; the chat starts with the user's message"]);
    const flow = userToAssistant([assistantNode('b', 'B')], [edge('u', 'b', { prompt: 'Next step' })], {
      message: 'Hello',
    });
    const sequential = convertAgentokFlow(flow);
    expect(sequential.flow!.chat).toEqual({
      type: 'sequential',
      chats: [
        { initiator: 'User', recipient: 'Assistant' },
        { initiator: 'User', recipient: 'B', message: 'Next step' },
      ],
    });
    expect(sequential.warnings).toEqual([
      "edge u-a: message is ignored; the first chat starts with the user's message",
    ]);
  });

  it('warns that Agentok tool ids on an edge are not imported', () => {
    const result = convertAgentokFlow(userToAssistant([], [], { tools: [12, 31] }));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      "edge u-a: Agentok tools 12, 31 are not imported; define them in the agents' tools",
    ]);
  });

  it('warns about a duplicate connection and uses the first', () => {
    const flow = userToAssistant([], [{ ...edge('u', 'a', { max_turns: 8 }), id: 'dup' }], { max_turns: 2 });
    const result = convertAgentokFlow(flow);
    expect(result.flow!.chat).toMatchObject({ type: 'two_agent', max_turns: 2 });
    expect(result.warnings).toEqual(['edge dup: duplicate connection to node a; only edge u-a is used']);
  });

  it('warns about an edge that starts no chat', () => {
    const result = convertAgentokFlow(userToAssistant([], [edge('a', 'u')]));
    expect(result.flow).not.toBeNull();
    expect(result.warnings).toEqual([
      'edge a-u: connection from node a to node u starts no chat and is ignored',
    ]);
  });

  it('ignores edges to notes silently', () => {
    const note = { id: 'n', type: 'note', data: { content: 'hi' } };
    const result = convertAgentokFlow(userToAssistant([note], [edge('u', 'n'), edge('a', 'n')]));
    expect(result.flow!.chat.type).toBe('two_agent');
    expect(result.warnings).toEqual([]);
  });
});

describe('convertAgentokFlow: group chats', () => {
  it('gives the manager a model for auto speaker selection', () => {
    const defaulted = convertAgentokFlow(groupFlow({ speaker_selection_method: undefined }));
    expect(defaulted.flow!.chat).toMatchObject({
      type: 'group',
      manager: { name: 'Team', llm: { provider: 'openai', model: 'gpt-4o-mini' } },
    });
    expect(defaulted.flow!.chat).not.toHaveProperty('speaker_selection');
    expect(defaulted.warnings).toEqual(['node g: no model given, using openai "gpt-4o-mini"']);
    const explicit = convertAgentokFlow(
      groupFlow({ speaker_selection_method: 'auto', llm_config: { model: 'o4' } }),
    );
    expect(explicit.flow!.chat).toMatchObject({
      speaker_selection: 'auto',
      manager: { name: 'Team', llm: { provider: 'openai', model: 'o4' } },
    });
    expect(explicit.warnings).toEqual([]);
  });

  it('does not add the initiator twice when it is a member', () => {
    const flow = groupFlow();
    flow.nodes[1] = { ...userNode(), parentId: 'g' };
    expect(convertAgentokFlow(flow).flow!.chat).toMatchObject({ agents: ['User', 'Writer', 'Critic'] });
  });

  it('reads members from the React Flow 11 parentNode field too', () => {
    const members = defaultMembers().map(({ parentId, ...node }) => ({ ...node, parentNode: parentId }));
    expect(convertAgentokFlow(groupFlow({}, members)).flow!.chat).toMatchObject({
      agents: ['Writer', 'Critic', 'User'],
    });
  });

  it('names the manager chat_manager by default and dedupes a clashing name', () => {
    const unnamed = convertAgentokFlow(groupFlow({ name: undefined }));
    expect(unnamed.flow!.chat).toMatchObject({ manager: { name: 'chat_manager' } });
    expect(unnamed.warnings).toEqual([]);
    const clash = convertAgentokFlow(groupFlow({ name: 'Writer' }));
    expect(clash.flow!.chat).toMatchObject({ manager: { name: 'Writer_2' } });
    expect(clash.warnings).toEqual(['node g: group chat manager name "Writer" changed to "Writer_2"']);
  });

  it('reports a group without members', () => {
    const result = convertAgentokFlow(groupFlow({}, []));
    expect(result.flow).toBeNull();
    expect(result.errors).toEqual(['node g: group chat has no member agents (nodes whose parentId is "g")']);
  });

  it('reports an unknown speaker_selection_method and a bad max_round', () => {
    const result = convertAgentokFlow(groupFlow({ speaker_selection_method: 'vote', max_round: 0 }));
    expect(result.errors).toEqual([
      'node g: max_round must be a whole number ≥ 1',
      'node g: unsupported speaker_selection_method "vote" (use auto, round_robin, random, manual)',
    ]);
  });

  it('warns that max_turns on the edge to a group does not apply', () => {
    const flow = groupFlow();
    flow.edges[1] = edge('u', 'g', { max_turns: 3 });
    const result = convertAgentokFlow(flow);
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      'edge u-g: max_turns is not supported for a group chat; max_round bounds it',
    ]);
  });

  it('reports a group chat among sequential chats', () => {
    const flow = groupFlow();
    flow.nodes.push(assistantNode('solo', 'Solo'));
    flow.edges.push(edge('u', 'solo', { message: 'then you' }));
    const result = convertAgentokFlow(flow);
    expect(result.flow).toBeNull();
    expect(result.errors).toEqual([
      'node g: a group chat as one of several chats of the first converser (sequential chats) is not supported',
    ]);
    expect(result.warnings).toEqual([]);
  });

  it('warns about a group chat the first converser does not start', () => {
    const flow = groupFlow();
    flow.nodes.push(assistantNode('a', 'Assistant'));
    flow.edges[1] = edge('u', 'a');
    const result = convertAgentokFlow(flow);
    expect(result.flow!.chat.type).toBe('two_agent');
    expect(result.warnings).toEqual([
      'node g: group chat is not started by the first converser and is not imported',
      'node w: agent "Writer" takes no part in the chat',
      'node c: agent "Critic" takes no part in the chat',
    ]);
  });
});

describe('convertAgentokFlow: nested chats and final validation', () => {
  it('reports a nested chat without exactly one sender', () => {
    const nested = { id: 'nc', type: 'nestedchat', data: {} };
    const result = convertAgentokFlow(userToAssistant([nested], [edge('nc', 'a')]));
    expect(result.errors).toEqual([
      'node nc: a nested chat needs exactly one upstream sender agent (its trigger), found 0',
    ]);
  });

  it('appends the spec validation errors, naming the node of an agent', () => {
    const node = assistantNode('big', 'Big', { system_message: 'x'.repeat(100_001) });
    const result = convertAgentokFlow(withRecipient(node));
    expect(result.flow).toBeNull();
    expect(result.errors).toEqual([
      expect.stringMatching(/^converted flow: agents\.1\.system_message \(node big\): /),
    ]);
  });

  it('appends a chat-level validation error', () => {
    const flow = { nodes: [initializer, userNode()], edges: [edge('init', 'u'), edge('u', 'u')] };
    expect(convertAgentokFlow(flow).errors).toEqual([
      'converted flow: chat.recipient: recipient must differ from initiator',
    ]);
  });

  it('reports each data field it does not import, naming the node or edge, and still converts', () => {
    const flow = userToAssistant([], [], { max_turns: 2, max_turn: 3 });
    flow.nodes[2] = assistantNode('a', 'Assistant', { sytem_message: 'typo', label: 'shown in Studio' });
    const result = convertAgentokFlow(flow);
    expect(result.errors).toEqual([]);
    expect(result.flow).not.toBeNull();
    expect(result.warnings).toEqual([
      'node a: not imported: sytem_message',
      'edge u-a: not imported: max_turn',
    ]);
  });
});

describe('convertAgentokFlow: retrieval agents', () => {
  it('moves a RetrieveUserProxyAgent’s retrieve_config to the assistants it talks to', () => {
    const flow = {
      nodes: [
        initializer,
        userNode('u', {
          class: 'RetrieveUserProxyAgent',
          retrieve_config: {
            task: 'qa',
            docs_path: './docs',
            collection_name: 'product-docs',
            n_results: 3,
            chunk_token_size: 500,
          },
        }),
        assistantNode('a', 'Assistant', { class: 'RetrieveAssistantAgent' }),
      ],
      edges: [edge('init', 'u'), edge('u', 'a')],
    };
    const result = convertAgentokFlow(flow);
    expect(result.errors).toEqual([]);
    const [user, assistant] = result.flow!.agents;
    expect(user).not.toHaveProperty('knowledge');
    expect(assistant.knowledge).toEqual({ base: 'product-docs', top_k: 3, min_score: 0 });
    expect(result.warnings).toEqual([
      'node u: retrieval agent "User": "Assistant" retrieves from the knowledge base "product-docs" (top_k 3); ' +
        'its documents (./docs) are not imported: create that base and add them; retrieve_config not imported: chunk_token_size',
    ]);
    expect(parseFlowSpec(result.flow).ok).toBe(true);
  });

  it('maps retrieve node types; without a collection the base is named after the proxy', () => {
    const flow = {
      nodes: [
        initializer,
        { id: 'u', type: 'retrieve_user_proxy', data: { name: 'Docs proxy', human_input_mode: 'NEVER' } },
        { id: 'a', type: 'retrieve_assistant', data: { name: 'Helper', llm_config: { model: 'gpt-4o' } } },
      ],
      edges: [edge('init', 'u'), edge('u', 'a')],
    };
    const result = convertAgentokFlow(flow);
    expect(result.flow!.agents.map((a) => [a.type, a.knowledge])).toEqual([
      ['user_proxy', undefined],
      ['assistant', { base: 'Docs proxy', top_k: 4, min_score: 0 }],
    ]);
  });
});
