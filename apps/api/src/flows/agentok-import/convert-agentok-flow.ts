import { formatZodIssues, HumanInputMode, parseFlowSpec, SummaryMethod } from '@conclave/domain';
import { convertRetrieval, RETRIEVAL_CLASSES, type RetrievalAgent } from './agentok-retrieval';
import {
  AGENT_NODE_TYPES,
  AgentokFlowSchema,
  type AgentNodeType,
  type AgentokFlow,
  type AgentokNode,
  type AgentSpecInput,
  type ChatSpecInput,
  type ConvertAgentokFlowOptions,
  type ConvertAgentokFlowResult,
  type LlmSpecInput,
} from './agentok-flow.types';

/**
 * Converts an Agentok Studio flow (React Flow `{nodes, edges}`, or an Agentok project `{name, flow}`)
 * into Conclave's flow spec (README: Flows; docs/compatibility.md). Pure: no I/O, same input → same output.
 *
 * What Agentok's code generator does is the reference (its `codegen.py` and Jinja templates):
 * - The single `initializer` node points at the first converser, which starts the chat. Its targets,
 *   in the order of `nodes` (the order Agentok's generator walks them), give the chat: one agent →
 *   `two_agent`, one `groupchat` node → `group`, several agents → `sequential`.
 * - `termination_msg` becomes a case-insensitive *contains* match (Agentok generates
 *   `"x" in msg["content"].lower()`); `max_consecutive_auto_reply: 0` means "not set", as in Agentok's
 *   templates, so AG2's default (100) applies.
 * - A group chat's members are the agents whose `parentId` is the group node, then the first
 *   converser if it is outside (Agentok appends it last). The manager is named after the group node.
 * - Agentok gives every agent its account-wide `llm_config`, which a flow file does not carry: agents
 *   that need a model and name none get `openai` / `gpt-4o-mini` with a warning. `user` nodes without
 *   an explicit model get no LLM (AG2's UserProxyAgent default) rather than a guessed one.
 * - Code execution (`enable_code_execution`, `code_execution_config`), the OpenAI Assistants API,
 *   Agentok tool ids on edges and special agent classes are not imported; each is a warning.
 * - A `nestedchat` node is an agent answering with nested chats (AG2 `register_nested_chats`): its
 *   upstream sender is the trigger, its outgoing edges (in `nodes` order) the chat queue, each edge's
 *   `max_turns` / `summary_method` / `message` that inner chat's. It gets an LLM only if it names a model.
 * - Unknown node types cannot be expressed; each is an error and no flow is returned.
 *
 * Errors and warnings name the node or edge id, so the Studio user can find the culprit.
 */
export function convertAgentokFlow(
  input: unknown,
  options: ConvertAgentokFlowOptions = {},
): ConvertAgentokFlowResult {
  const project = unwrapProject(input);
  const parsed = AgentokFlowSchema.safeParse(project.flow);
  if (!parsed.success) return { flow: null, errors: formatZodIssues(parsed.error.issues), warnings: [] };

  const report: Report = { errors: [], warnings: [] };
  const graph = indexGraph(parsed.data, report);
  const takenNames = new Set<string>();
  const agents = new Map<string, ConvertedAgent>();
  for (const node of graph.nodes) {
    if (isAgentNode(node)) agents.set(node.id, convertAgent(node, takenNames, report));
  }
  reportUnconvertibleNodes(graph, report);
  reportIgnoredFields(graph, report);
  convertNestedChats(graph, agents, report);
  convertRetrieval(retrievalAgents(graph, agents), report);

  const chat = convertChat(graph, agents, takenNames, report);
  if (chat) reportAgentsOutsideChat(chat, agents, report);
  reportUnusedEdges(graph, report);

  if (!chat || report.errors.length > 0) return { flow: null, ...report };
  const flow = withoutUndefined({
    name: (options.name?.trim() || project.name || DEFAULT_FLOW_NAME).slice(0, 200),
    description: project.description?.slice(0, 4000),
    agents: [...agents.values()].map((a) => a.spec),
    chat,
  });
  const validated = parseFlowSpec(flow);
  if (!validated.ok) {
    const nodeIds = [...agents.keys()];
    for (const error of validated.errors) report.errors.push(`converted flow: ${withNodeId(error, nodeIds)}`);
    return { flow: null, ...report };
  }
  return { flow, ...report };
}

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
/** Message of a later sequential chat whose edge carries none (AG2 needs one per chat). */
export const DEFAULT_SEQUENTIAL_MESSAGE = 'Continue.';
const DEFAULT_FLOW_NAME = 'Imported Agentok flow';
/** AG2's GroupChatManager default name, which is also what Agentok's generated code uses. */
const DEFAULT_MANAGER_NAME = 'chat_manager';
const MAX_NAME_LENGTH = 64;
const AGENT_CLASSES = new Set([
  'ConversableAgent',
  'AssistantAgent',
  'UserProxyAgent',
  'GPTAssistantAgent',
  'NestedChat',
  ...RETRIEVAL_CLASSES,
]);
const SPEAKER_SELECTION_METHODS = ['auto', 'round_robin', 'random', 'manual'] as const;

interface Report {
  errors: string[];
  warnings: string[];
}

interface ConvertedAgent {
  nodeId: string;
  spec: AgentSpecInput;
}

function retrievalAgents(graph: Graph, agents: Map<string, ConvertedAgent>): RetrievalAgent[] {
  return graph.nodes.flatMap((node) => {
    const agent = agents.get(node.id);
    if (!agent) return [];
    const agentClass = text(node.data.class) ?? text(node.data.class_type);
    const isRetrieveProxy = node.type === 'retrieve_user_proxy' || agentClass === 'RetrieveUserProxyAgent';
    return [{ nodeId: node.id, spec: agent.spec, data: node.data, isRetrieveProxy }];
  });
}

interface Edge {
  id: string;
  source: string;
  target: string;
  data: Record<string, unknown>;
}

interface Graph {
  nodes: AgentokNode[];
  byId: Map<string, AgentokNode>;
  edges: Edge[];
  /** Edges that took part in the conversion (or were already reported with their node). */
  handled: Set<Edge>;
}

interface ChatOptions {
  max_turns?: number;
  summary_method?: ReturnType<typeof SummaryMethod.parse>;
  message?: string;
}

function unwrapProject(input: unknown): { flow: unknown; name?: string; description?: string } {
  if (isRecord(input) && !('nodes' in input) && isRecord(input.flow)) {
    return { flow: input.flow, name: text(input.name)?.trim(), description: text(input.description) };
  }
  return { flow: input };
}

function indexGraph(flow: AgentokFlow, report: Report): Graph {
  const byId = new Map<string, AgentokNode>();
  for (const node of flow.nodes) {
    if (byId.has(node.id)) report.errors.push(`node ${node.id}: duplicate node id`);
    else byId.set(node.id, node);
  }
  const edges: Edge[] = [];
  for (const edge of flow.edges) {
    const id = edge.id ?? `${edge.source}->${edge.target}`;
    const missing = [edge.source, edge.target].filter((end) => !byId.has(end));
    if (missing.length > 0) {
      report.errors.push(`edge ${id}: connects missing node ${missing.map((m) => `"${m}"`).join(' and ')}`);
      continue;
    }
    edges.push({ id, source: edge.source, target: edge.target, data: edge.data ?? {} });
  }
  return { nodes: [...byId.values()], byId, edges, handled: new Set() };
}

function isAgentNode(node: AgentokNode): node is AgentokNode & { type: AgentNodeType } {
  return Object.hasOwn(AGENT_NODE_TYPES, node.type);
}

function convertAgent(
  node: AgentokNode & { type: AgentNodeType },
  taken: Set<string>,
  report: Report,
): ConvertedAgent {
  const at = `node ${node.id}`;
  const d = node.data;
  const type = AGENT_NODE_TYPES[node.type];
  const name = allocateName(taken, text(d.name), `agent_${node.id}`, `${at}: agent name`, report);
  const spec: AgentSpecInput = { name, type };

  const description = text(d.description);
  if (description !== undefined) spec.description = description;
  // The Assistants API's `instructions` are its system message.
  const systemMessage =
    text(d.system_message) ?? (node.type === 'gpt_assistant' ? text(d.instructions) : undefined);
  if (systemMessage !== undefined) spec.system_message = systemMessage;

  const mode = text(d.human_input_mode);
  if (mode !== undefined) {
    const parsedMode = HumanInputMode.safeParse(mode.trim().toUpperCase());
    if (parsedMode.success) spec.human_input_mode = parsedMode.data;
    else report.errors.push(`${at}: unsupported human_input_mode "${mode}" (use ALWAYS, TERMINATE or NEVER)`);
  }

  // Agentok's templates only pass a truthy max_consecutive_auto_reply: 0 leaves AG2's default.
  const maxAutoReply = readWholeNumber(d.max_consecutive_auto_reply);
  if (Number.isNaN(maxAutoReply)) {
    report.errors.push(`${at}: max_consecutive_auto_reply must be a whole number ≥ 0`);
  } else if (maxAutoReply) {
    spec.max_consecutive_auto_reply = maxAutoReply;
  }

  // Agentok generates `"<msg>".lower() in msg["content"].lower()`.
  const terminationMsg = text(d.termination_msg);
  if (terminationMsg !== undefined) {
    spec.is_termination_msg = { type: 'contains', value: terminationMsg, case_sensitive: false };
  }

  const llm = convertLlm(d, type !== 'user_proxy' && node.type !== 'nestedchat', at, report);
  if (llm !== undefined) spec.llm = llm;

  if (d.enable_code_execution === true || isRecord(d.code_execution_config)) {
    report.warnings.push(`${at}: code execution is not supported; agent "${name}" will not run code`);
  }
  if (node.type === 'gpt_assistant') {
    report.warnings.push(
      `${at}: gpt_assistant "${name}" becomes a plain assistant; the OpenAI Assistants API ` +
        '(assistant_id, files, its tools) is not used',
    );
  }
  const agentClass = text(d.class) ?? text(d.class_type);
  if (agentClass !== undefined && !AGENT_CLASSES.has(agentClass)) {
    report.warnings.push(
      `${at}: agent class "${agentClass}" is not supported; "${name}" becomes a plain ${type}`,
    );
  }
  return { nodeId: node.id, spec };
}

/**
 * `disable_llm` → no LLM. Otherwise a model named in the node (`llm_config.model`,
 * `llm_config.config_list[0].model` or `model`) → openai; none → the default model when the agent
 * needs one. API keys are never imported: the server's configuration provides them.
 */
function convertLlm(
  d: Record<string, unknown>,
  needsLlm: boolean,
  at: string,
  report: Report,
): LlmSpecInput | null | undefined {
  if (d.disable_llm === true) return null;
  const config = isRecord(d.llm_config) ? d.llm_config : {};
  const configList = Array.isArray(config.config_list) ? config.config_list : [];
  const firstConfig = isRecord(configList[0]) ? configList[0] : {};
  const model = text(config.model) ?? text(firstConfig.model) ?? text(d.model);
  if (model === undefined && !needsLlm) return undefined;
  if (model === undefined)
    report.warnings.push(`${at}: no model given, using openai "${DEFAULT_OPENAI_MODEL}"`);
  if (firstConfig.api_key !== undefined) {
    report.warnings.push(
      `${at}: the API key in llm_config is not imported; the server's configured key is used`,
    );
  }
  return withoutUndefined({
    provider: 'openai' as const,
    model: model ?? DEFAULT_OPENAI_MODEL,
    temperature: readNumber(config.temperature ?? d.temperature),
    max_tokens: readNumber(config.max_tokens ?? d.max_tokens),
    base_url: text(firstConfig.base_url),
  });
}

function reportUnconvertibleNodes(graph: Graph, report: Report): void {
  for (const node of graph.nodes) {
    if (!isAgentNode(node) && !['initializer', 'groupchat', 'note'].includes(node.type)) {
      graph.edges
        .filter((e) => e.source === node.id || e.target === node.id)
        .forEach((e) => graph.handled.add(e));
      report.errors.push(`node ${node.id}: unsupported node type "${node.type}"`);
    }
  }
}

/**
 * Each `nestedchat` node: the agents sending to it trigger it; the agents it points at, in `nodes`
 * order, are its chat queue (the node is every inner chat's sender).
 */
function convertNestedChats(graph: Graph, agents: Map<string, ConvertedAgent>, report: Report): void {
  for (const node of graph.nodes) {
    if (node.type !== 'nestedchat') continue;
    const at = `node ${node.id}`;
    const owner = agents.get(node.id)!;
    const incoming = graph.edges.filter((e) => e.target === node.id);
    const senders = unique(incoming.map((e) => e.source)).filter((id) => agents.has(id));
    if (senders.length !== 1) {
      report.errors.push(
        `${at}: a nested chat needs exactly one upstream sender agent (its trigger), found ${senders.length}`,
      );
    }
    const queue: NonNullable<AgentSpecInput['nested_chats']>['chat_queue'] = [];
    for (const target of graph.nodes) {
      const edge = graph.edges.find((e) => e.source === node.id && e.target === target.id);
      if (!edge || target.type === 'note') continue;
      graph.handled.add(edge);
      const recipient = agents.get(target.id);
      if (!recipient || target.id === node.id) {
        report.errors.push(`edge ${edge.id}: a nested chat's inner chat must go to another agent node`);
        continue;
      }
      const options = readChatOptions(edge.data, `edge ${edge.id}`, report);
      // AG2 silently skips a later inner chat without a message; the drawn chat should run.
      if (queue.length > 0 && options.message === undefined) {
        report.warnings.push(
          `edge ${edge.id}: no message for inner chat ${queue.length + 1} of nested chat ${node.id}, ` +
            `using "${DEFAULT_SEQUENTIAL_MESSAGE}"`,
        );
        options.message = DEFAULT_SEQUENTIAL_MESSAGE;
      }
      queue.push(
        withoutUndefined({
          recipient: recipient.spec.name,
          message: options.message,
          max_turns: options.max_turns,
          summary_method: options.summary_method,
        }),
      );
    }
    if (queue.length === 0) {
      report.errors.push(`${at}: a nested chat needs at least one inner chat (an edge to an agent)`);
      continue;
    }
    if (senders.length === 1) {
      owner.spec.nested_chats = { trigger: agents.get(senders[0])!.spec.name, chat_queue: queue };
    }
  }
}

function convertChat(
  graph: Graph,
  agents: Map<string, ConvertedAgent>,
  takenNames: Set<string>,
  report: Report,
): ChatSpecInput | undefined {
  const start = findFirstConverser(graph, report);
  if (!start) return undefined;
  const initiator = agents.get(start.first.id)!;
  const targets = chatTargets(graph, start.first.id, report);
  const at = `node ${start.first.id}`;
  if (targets.length === 0) {
    report.errors.push(
      `${at}: the first converser "${initiator.spec.name}" is not connected to an agent or group chat`,
    );
    reportUnusedGroups(graph, [], report);
    return undefined;
  }
  const groups = targets.filter((t) => t.node.type === 'groupchat');
  const targetedGroups = groups.map((g) => g.node);
  reportUnusedGroups(graph, targetedGroups, report);
  for (const t of targets) {
    if (t.node.type === 'initializer') {
      report.errors.push(
        `edge ${t.edge.id}: a chat cannot be started with the initializer node ${t.node.id}`,
      );
    }
  }

  if (targets.length === 1 && groups.length === 1) {
    return convertGroupChat(groups[0].node, groups[0].edge, initiator, graph, agents, takenNames, report);
  }
  for (const group of groups) {
    report.errors.push(
      `node ${group.node.id}: a group chat as one of several chats of the first converser ` +
        '(sequential chats) is not supported',
    );
  }
  const recipients = targets.filter((t) => agents.has(t.node.id));
  if (recipients.length !== targets.length) return undefined;

  if (recipients.length === 1) {
    const [{ node, edge }] = recipients;
    // Agentok also reads a single chat's max_turns / summary_method from the initializer node.
    const options = {
      ...readChatOptions(start.initializer.data, `node ${start.initializer.id}`, report),
      ...readChatOptions(edge.data, `edge ${edge.id}`, report),
    };
    if (options.message !== undefined) {
      report.warnings.push(`edge ${edge.id}: message is ignored; the chat starts with the user's message`);
    }
    return withoutUndefined({
      type: 'two_agent' as const,
      initiator: initiator.spec.name,
      recipient: agents.get(node.id)!.spec.name,
      max_turns: options.max_turns,
      summary_method: options.summary_method,
    });
  }

  const chats = recipients.map(({ node, edge }, i) => {
    const options = readChatOptions(edge.data, `edge ${edge.id}`, report);
    let message = options.message;
    if (i === 0 && message !== undefined) {
      report.warnings.push(
        `edge ${edge.id}: message is ignored; the first chat starts with the user's message`,
      );
      message = undefined;
    } else if (i > 0 && message === undefined) {
      report.warnings.push(
        `edge ${edge.id}: no message for chat ${i + 1} of the sequence, using "${DEFAULT_SEQUENTIAL_MESSAGE}"`,
      );
      message = DEFAULT_SEQUENTIAL_MESSAGE;
    }
    return withoutUndefined({
      initiator: initiator.spec.name,
      recipient: agents.get(node.id)!.spec.name,
      message,
      max_turns: options.max_turns,
      summary_method: options.summary_method,
    });
  });
  return { type: 'sequential', chats };
}

function findFirstConverser(
  graph: Graph,
  report: Report,
): { initializer: AgentokNode; first: AgentokNode } | undefined {
  const initializers = graph.nodes.filter((n) => n.type === 'initializer');
  if (initializers.length === 0) {
    report.errors.push('flow: no "initializer" node (it marks the agent that starts the chat)');
    return undefined;
  }
  const [initializer, ...extra] = initializers;
  for (const node of extra) {
    report.errors.push(
      `node ${node.id}: a second "initializer" node (a flow has exactly one, node ${initializer.id})`,
    );
  }
  const out = graph.edges.filter((e) => e.source === initializer.id);
  out.forEach((e) => graph.handled.add(e));
  if (extra.length > 0) return undefined;
  if (out.length !== 1) {
    const found = out.length === 0 ? 'none' : out.map((e) => `node ${e.target}`).join(', ');
    report.errors.push(
      `node ${initializer.id}: the initializer must connect to exactly one agent, found ${found}`,
    );
    return undefined;
  }
  const first = graph.byId.get(out[0].target)!;
  if (!isAgentNode(first)) {
    report.errors.push(
      `node ${first.id}: the initializer must point at an agent node (conversable, user, assistant or ` +
        `gpt_assistant), not a "${first.type}" node`,
    );
    return undefined;
  }
  return { initializer, first };
}

/** The first converser's targets in `nodes` order (as Agentok walks them), notes left out. */
function chatTargets(graph: Graph, sourceId: string, report: Report): { node: AgentokNode; edge: Edge }[] {
  const out = graph.edges.filter((e) => e.source === sourceId);
  const targets: { node: AgentokNode; edge: Edge }[] = [];
  for (const node of graph.byId.values()) {
    const [edge, ...duplicates] = out.filter((e) => e.target === node.id);
    if (!edge) continue;
    graph.handled.add(edge);
    for (const dup of duplicates) {
      graph.handled.add(dup);
      report.warnings.push(
        `edge ${dup.id}: duplicate connection to node ${node.id}; only edge ${edge.id} is used`,
      );
    }
    if (node.type !== 'note') targets.push({ node, edge });
  }
  return targets;
}

function convertGroupChat(
  group: AgentokNode,
  edge: Edge,
  initiator: ConvertedAgent,
  graph: Graph,
  agents: Map<string, ConvertedAgent>,
  takenNames: Set<string>,
  report: Report,
): ChatSpecInput | undefined {
  const at = `node ${group.id}`;
  const d = group.data;
  const members = graph.nodes
    .filter((n) => parentOf(n) === group.id && agents.has(n.id))
    .map((n) => agents.get(n.id)!.spec.name);
  if (members.length === 0) {
    report.errors.push(`${at}: group chat has no member agents (nodes whose parentId is "${group.id}")`);
    return undefined;
  }
  // Agentok adds the agent that talks to the group (the first converser) to the members.
  if (!members.includes(initiator.spec.name)) members.push(initiator.spec.name);

  let maxRound = readWholeNumber(d.max_round);
  if (Number.isNaN(maxRound) || maxRound === 0) {
    report.errors.push(`${at}: max_round must be a whole number ≥ 1`);
    maxRound = undefined;
  }
  const method = text(d.speaker_selection_method);
  const speakerSelection = SPEAKER_SELECTION_METHODS.find((m) => m === method);
  if (method !== undefined && speakerSelection === undefined) {
    report.errors.push(
      `${at}: unsupported speaker_selection_method "${method}" (use ${SPEAKER_SELECTION_METHODS.join(', ')})`,
    );
  }
  const options = readChatOptions(edge.data, `edge ${edge.id}`, report);
  if (options.max_turns !== undefined) {
    report.warnings.push(`edge ${edge.id}: max_turns is not supported for a group chat; max_round bounds it`);
  }
  if (options.message !== undefined) {
    report.warnings.push(`edge ${edge.id}: message is ignored; the chat starts with the user's message`);
  }

  const managerName = allocateName(
    takenNames,
    text(d.name) ?? DEFAULT_MANAGER_NAME,
    DEFAULT_MANAGER_NAME,
    `${at}: group chat manager name`,
    report,
  );
  // Only automatic speaker selection asks the manager's model.
  const managerLlm = (speakerSelection ?? 'auto') === 'auto' ? convertLlm(d, true, at, report) : undefined;

  return withoutUndefined({
    type: 'group' as const,
    initiator: initiator.spec.name,
    agents: members,
    max_round: maxRound,
    speaker_selection: speakerSelection,
    send_introductions: typeof d.send_introductions === 'boolean' ? d.send_introductions : undefined,
    manager: withoutUndefined({ name: managerName, llm: managerLlm }),
    summary_method: options.summary_method,
  });
}

function reportUnusedGroups(graph: Graph, targeted: AgentokNode[], report: Report): void {
  for (const node of graph.nodes) {
    if (node.type === 'groupchat' && !targeted.includes(node)) {
      report.warnings.push(
        `node ${node.id}: group chat is not started by the first converser and is not imported`,
      );
    }
  }
}

/** Fields each kind of node or edge `data` is read for; Studio's display fields (label, class) too. */
const DISPLAY_FIELDS = ['label', 'class', 'class_type', 'type', 'id'];
const LLM_FIELDS = ['llm_config', 'model', 'temperature', 'max_tokens', 'disable_llm'];
const READ_FIELDS: Record<string, readonly string[]> = {
  agent: [
    'name',
    'description',
    'system_message',
    'instructions',
    'assistant_id',
    'human_input_mode',
    'max_consecutive_auto_reply',
    'termination_msg',
    'enable_code_execution',
    'code_execution_config',
    'retrieve_config',
    ...LLM_FIELDS,
  ],
  groupchat: ['name', 'max_round', 'speaker_selection_method', 'send_introductions', ...LLM_FIELDS],
  initializer: ['name', 'max_turns', 'summary_method', 'message', 'prompt'],
  edge: ['max_turns', 'summary_method', 'message', 'prompt', 'tools'],
};

/**
 * The importer is lenient (Studio files carry more than a flow needs) but never silent: each `data`
 * field it does not read is reported, so a setting the user relied on is not lost unnoticed.
 */
function reportIgnoredFields(graph: Graph, report: Report): void {
  const check = (data: Record<string, unknown>, kind: string, at: string) => {
    const read = READ_FIELDS[kind];
    const ignored = Object.keys(data).filter((k) => !read.includes(k) && !DISPLAY_FIELDS.includes(k));
    if (ignored.length > 0) report.warnings.push(`${at}: not imported: ${ignored.join(', ')}`);
  };
  for (const node of graph.nodes) {
    const kind = isAgentNode(node) ? 'agent' : node.type;
    if (READ_FIELDS[kind] && kind !== 'edge') check(node.data, kind, `node ${node.id}`);
  }
  for (const edge of graph.edges) check(edge.data, 'edge', `edge ${edge.id}`);
}

function reportAgentsOutsideChat(
  chat: ChatSpecInput,
  agents: Map<string, ConvertedAgent>,
  report: Report,
): void {
  const inChat = new Set<string>();
  if (chat.type === 'two_agent') [chat.initiator, chat.recipient].forEach((n) => inChat.add(n));
  else if (chat.type === 'group') [chat.initiator, ...(chat.agents ?? [])].forEach((n) => inChat.add(n));
  else chat.chats.forEach((c) => [c.initiator, c.recipient].forEach((n) => inChat.add(n)));
  // Inner chats of nested-chat agents take part through their owner.
  for (const { spec } of agents.values()) {
    if (!inChat.has(spec.name)) continue;
    spec.nested_chats?.chat_queue.forEach((c) => inChat.add(c.recipient));
  }
  for (const { nodeId, spec } of agents.values()) {
    if (!inChat.has(spec.name))
      report.warnings.push(`node ${nodeId}: agent "${spec.name}" takes no part in the chat`);
  }
}

function reportUnusedEdges(graph: Graph, report: Report): void {
  for (const edge of graph.edges) {
    const tools = Array.isArray(edge.data.tools) ? edge.data.tools : [];
    if (tools.length > 0) {
      report.warnings.push(
        `edge ${edge.id}: Agentok tools ${tools.map(String).join(', ')} are not imported; ` +
          "define them in the agents' tools",
      );
    }
    const touchesNote = [edge.source, edge.target].some((id) => graph.byId.get(id)?.type === 'note');
    if (graph.handled.has(edge) || touchesNote) continue;
    report.warnings.push(
      `edge ${edge.id}: connection from node ${edge.source} to node ${edge.target} starts no chat and is ignored`,
    );
  }
}

function readChatOptions(data: Record<string, unknown>, at: string, report: Report): ChatOptions {
  const options: ChatOptions = {};
  // As in Agentok's template, a max_turns of 0 means "not set".
  const maxTurns = readWholeNumber(data.max_turns);
  if (Number.isNaN(maxTurns)) report.errors.push(`${at}: max_turns must be a whole number ≥ 1`);
  else if (maxTurns) options.max_turns = maxTurns;

  const summary = text(data.summary_method);
  if (summary !== undefined) {
    const parsed = SummaryMethod.safeParse(summary);
    if (parsed.success) options.summary_method = parsed.data;
    else
      report.errors.push(
        `${at}: unsupported summary_method "${summary}" (use last_msg or reflection_with_llm)`,
      );
  }
  const message = text(data.message) ?? text(data.prompt);
  if (message !== undefined) options.message = message;
  return options;
}

/**
 * Our names: letters, digits, `_`, `-` and space, starting with a letter or `_`, at most 64
 * characters, unique in the flow (`_2`, `_3`… on a clash). Every change is a warning.
 */
function allocateName(
  taken: Set<string>,
  wanted: string | undefined,
  fallback: string,
  what: string,
  report: Report,
): string {
  const base = (wanted === undefined ? undefined : sanitizeName(wanted)) ?? sanitizeName(fallback) ?? 'agent';
  let name = base;
  for (let n = 2; taken.has(name); n++) {
    const suffix = `_${n}`;
    name = base.slice(0, MAX_NAME_LENGTH - suffix.length) + suffix;
  }
  taken.add(name);
  if (wanted === undefined) report.warnings.push(`${what} missing, using "${name}"`);
  else if (name !== wanted) report.warnings.push(`${what} "${wanted}" changed to "${name}"`);
  return name;
}

function sanitizeName(raw: string): string | undefined {
  let name = raw.trim().replace(/[^A-Za-z0-9_\- ]/g, '_');
  if (/^[_\- ]*$/.test(name)) return undefined;
  if (!/^[A-Za-z_]/.test(name)) name = `agent_${name}`;
  return name.slice(0, MAX_NAME_LENGTH).trimEnd();
}

/** `converted flow: agents.2.name: …` → also name the node, since the Studio user knows nodes. */
function withNodeId(error: string, nodeIds: string[]): string {
  return error.replace(/^agents\.(\d+)[^:]*/, (path, index: string) => {
    const nodeId = nodeIds[Number(index)];
    return nodeId === undefined ? path : `${path} (node ${nodeId})`;
  });
}

function parentOf(node: AgentokNode): string | undefined {
  return node.parentId ?? node.parentNode ?? undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A non-blank string, else undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** A number or numeric string; undefined when absent or malformed (the schema then checks ranges). */
function readNumber(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** A whole number ≥ 0 (Studio forms may store it as a string); undefined when absent, NaN when malformed. */
function readWholeNumber(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 ? n : NaN;
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

/** Drops keys whose value is undefined, so the produced spec carries only what the flow said. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
