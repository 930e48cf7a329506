import type { ToolCall } from '@conclave/domain';
import { agentOf } from './agent-defaults';
import type { Step } from './contract';
import { groupIntroduction, groupManager } from './group-chat';
import { humanInputPrompt } from './human-input';
import { replyPrompt, visibleMessages } from './prompt';
import { executableTools, planTools } from './reply';
import { manualSelectionPrompt, selectionPrompt } from './speaker-selection';
import { inGroupChat, lastMessage, modelCallIndex, type View } from './state';
import { summaryLlm, summaryRequestMessages } from './summary';
import { isTerminationMessage } from './termination';
import { clientToolsPrompt } from './tools';

/** The step the runtime must perform for the state's waiting phase. Pure: reads state and transcript. */
export function stepFor(view: View): Step {
  const phase = view.state.phase;
  switch (phase.kind) {
    case 'model_reply': {
      const agent = agentOf(view.team, phase.agent);
      if (!agent.llm) throw new Error(`engine: agent "${agent.name}" has no llm`);
      const messages = replyPrompt(
        view,
        agent,
        inGroupChat(view) ? groupIntroduction(view.flow, view.team) : null,
      );
      return {
        type: 'call_model',
        request: {
          agent: agent.name,
          llm: agent.llm,
          messages,
          tools: agent.tools,
          purpose: 'reply',
          call_index: modelCallIndex(view.state, agent.name),
        },
      };
    }
    case 'human': {
      const agent = agentOf(view.team, phase.agent);
      const terminating = isTerminationMessage(lastMessage(view).content, agent.isTerminationMsg);
      return {
        type: 'ask_human',
        request: {
          agent: agent.name,
          prompt: humanInputPrompt(phase.branch, agent.name, phase.sender, terminating),
          kind: 'text',
        },
      };
    }
    case 'http_tools': {
      const calls = callsById(view, phase.message);
      const tools = new Map(executableTools(view, phase.agent).map((t) => [t.name, t]));
      return {
        type: 'call_tools',
        agent: phase.agent,
        calls: planTools(view, phase.agent, phase.message).http.map((id) => {
          const call = calls.get(id)!;
          return { call, tool: tools.get(call.name)! };
        }),
      };
    }
    case 'client_tools': {
      const calls = callsById(view, phase.message);
      const toolCalls = planTools(view, phase.agent, phase.message).client.map((id) => calls.get(id)!);
      return {
        type: 'ask_human',
        request: {
          agent: phase.agent,
          prompt: clientToolsPrompt(toolCalls),
          kind: 'tool_outputs',
          tool_calls: toolCalls,
        },
      };
    }
    case 'select_auto': {
      const manager = groupManager(view.team);
      if (!manager.llm) throw new Error('engine: the group manager has no llm');
      const candidates = phase.candidates.map((n) => agentOf(view.team, n));
      return {
        type: 'call_model',
        request: {
          agent: manager.name,
          llm: manager.llm,
          messages: selectionPrompt(candidates, visibleMessages(view), phase.replies),
          tools: [],
          purpose: 'select_speaker',
          call_index: modelCallIndex(view.state, manager.name),
        },
      };
    }
    case 'select_manual':
      return {
        type: 'ask_human',
        request: {
          agent: groupManager(view.team).name,
          prompt: manualSelectionPrompt(phase.candidates, phase.tries),
          kind: 'speaker',
          options: phase.candidates,
        },
      };
    case 'summary': {
      const owner = summaryLlm(view);
      return {
        type: 'call_model',
        request: {
          agent: owner.name,
          llm: owner.llm,
          messages: summaryRequestMessages(view),
          tools: [],
          purpose: 'summary',
          call_index: modelCallIndex(view.state, owner.name),
        },
      };
    }
    case 'end':
      return { type: 'end', reason: phase.reason, summary: phase.summary };
    default:
      throw new Error(`engine: state is in internal phase "${phase.kind}"`);
  }
}

function callsById(view: View, message: number): Map<string, ToolCall> {
  return new Map((view.transcript[message]?.tool_calls ?? []).map((c) => [c.id, c]));
}
