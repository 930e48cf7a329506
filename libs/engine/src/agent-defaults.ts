import type {
  AgentSpec,
  AgentType,
  FlowSpec,
  GroupChatSpec,
  HumanInputMode,
  LlmSpec,
  TerminationMatch,
  ToolSpec,
} from '@conclave/domain';
import { DEFAULT_TERMINATION } from './termination';

/** AG2 `ConversableAgent` default system message. */
export const CONVERSABLE_SYSTEM_MESSAGE = 'You are a helpful AI Assistant.';

/** AG2 `AssistantAgent.DEFAULT_SYSTEM_MESSAGE`. */
export const ASSISTANT_SYSTEM_MESSAGE = `You are a helpful AI assistant.
Solve tasks using your coding and language skills.
In the following cases, suggest python code (in a python coding block) or shell script (in a sh coding block) for the user to execute.
    1. When you need to collect info, use the code to output the info you need, for example, browse or search the web, download/read a file, print the content of a webpage or a file, get the current date/time, check the operating system. After sufficient info is printed and the task is ready to be solved based on your language skill, you can solve the task by yourself.
    2. When you need to perform some task with code, use the code to perform the task and output the result. Finish the task smartly.
Solve the task step by step if you need to. If a plan is not provided, explain your plan first. Be clear which step uses code, and which step uses your language skill.
When using code, you must indicate the script type in the code block. The user cannot provide any other feedback or perform any other action beyond executing the code you suggest. The user can't modify your code. So do not suggest incomplete code which requires users to modify. Don't use a code block if it's not intended to be executed by the user.
If you want the user to save the code in a file before executing it, put # filename: <filename> inside the code block as the first line. Don't include multiple code blocks in one response. Do not ask users to copy and paste the result. Instead, use 'print' function for the output when relevant. Check the execution result returned by the user.
If the result indicates there is an error, fix the error and output the code again. Suggest the full code instead of partial code or code changes. If the error can't be fixed or if the task is not solved even after the code is executed successfully, analyze the problem, revisit your assumption, collect additional info, and consider a different approach to try.
When you find an answer, verify the answer carefully. Include verifiable evidence in your response if possible.
Reply "TERMINATE" in the end when everything is done.`;

/** AG2 `AssistantAgent.DEFAULT_DESCRIPTION`. */
export const ASSISTANT_DESCRIPTION =
  'A helpful and general-purpose AI assistant that has strong language skills, Python skills, and Linux command line skills.';

/** AG2 `UserProxyAgent.DEFAULT_USER_PROXY_AGENT_DESCRIPTIONS`. */
export const USER_PROXY_DESCRIPTIONS: Record<HumanInputMode, string> = {
  ALWAYS:
    'An attentive HUMAN user who can answer questions about the task, and can perform tasks such as running Python code or inputting command line commands at a Linux terminal and reporting back the execution results.',
  TERMINATE:
    'A user that can run Python code or input command line commands at a Linux terminal and report back the execution results.',
  NEVER:
    'A computer terminal that performs no other action than running Python code (provided to it quoted in ``` code blocks with shell or python language specified) and reporting back the execution results.',
};

/** AG2 `GroupChatManager` default system message. */
export const MANAGER_SYSTEM_MESSAGE = 'Group chat manager.';

export const DEFAULT_MAX_CONSECUTIVE_AUTO_REPLY = 100;

/** An agent with AG2's defaults by type filled in. */
export interface ResolvedAgent {
  name: string;
  type: AgentType;
  description: string;
  systemMessage: string;
  humanInputMode: HumanInputMode;
  maxConsecutiveAutoReply: number;
  isTerminationMsg: TerminationMatch;
  defaultAutoReply: string;
  /** Only when configured: AG2 agents without `llm_config` never call a model. */
  llm: LlmSpec | null;
  tools: ToolSpec[];
}

const MODE_BY_TYPE: Record<AgentType, HumanInputMode> = {
  conversable: 'TERMINATE',
  assistant: 'NEVER',
  user_proxy: 'ALWAYS',
};

const SYSTEM_MESSAGE_BY_TYPE: Record<AgentType, string> = {
  conversable: CONVERSABLE_SYSTEM_MESSAGE,
  assistant: ASSISTANT_SYSTEM_MESSAGE,
  user_proxy: '',
};

export function agentDefaults(spec: AgentSpec): ResolvedAgent {
  const type = spec.type ?? 'conversable';
  const humanInputMode = spec.human_input_mode ?? MODE_BY_TYPE[type];
  const systemMessage = spec.system_message ?? SYSTEM_MESSAGE_BY_TYPE[type];
  // AG2: the description defaults to the system message (assistant and user proxy have their own).
  const description =
    spec.description ??
    (type === 'assistant'
      ? ASSISTANT_DESCRIPTION
      : type === 'user_proxy'
        ? USER_PROXY_DESCRIPTIONS[humanInputMode]
        : systemMessage);
  return {
    name: spec.name,
    type,
    description,
    systemMessage,
    humanInputMode,
    maxConsecutiveAutoReply: spec.max_consecutive_auto_reply ?? DEFAULT_MAX_CONSECUTIVE_AUTO_REPLY,
    isTerminationMsg: spec.is_termination_msg ?? DEFAULT_TERMINATION,
    defaultAutoReply: spec.default_auto_reply ?? '',
    llm: spec.llm ?? null,
    tools: spec.tools ?? [],
  };
}

/** The group chat manager (AG2: human input NEVER, default termination check). */
export interface ResolvedManager {
  name: string;
  llm: LlmSpec | null;
  systemMessage: string;
  isTerminationMsg: TerminationMatch;
}

export function managerDefaults(chat: GroupChatSpec): ResolvedManager {
  const manager = chat.manager ?? { name: 'chat_manager' };
  return {
    name: manager.name ?? 'chat_manager',
    llm: manager.llm ?? null,
    systemMessage: manager.system_message ?? MANAGER_SYSTEM_MESSAGE,
    isTerminationMsg: manager.is_termination_msg ?? DEFAULT_TERMINATION,
  };
}

/** Every agent of a flow with defaults applied, plus the manager of a group chat. */
export interface Team {
  agents: Map<string, ResolvedAgent>;
  manager: ResolvedManager | null;
}

export function resolveTeam(flow: FlowSpec): Team {
  const agents = new Map(flow.agents.map((spec) => [spec.name, agentDefaults(spec)] as const));
  return { agents, manager: flow.chat.type === 'group' ? managerDefaults(flow.chat) : null };
}

export function agentOf(team: Team, name: string): ResolvedAgent {
  const agent = team.agents.get(name);
  if (!agent) throw new Error(`engine: unknown agent "${name}"`);
  return agent;
}
