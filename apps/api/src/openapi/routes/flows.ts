import { z } from 'zod';
import { FlowTestBody } from '../../flows/flow-tests';
import { VersionQuery } from '../../flows/dto/flow.dto';
import { AgentokFlowSchema } from '../../flows/agentok-import/agentok-flow.types';
import {
  Flow,
  FlowSpec,
  FlowTestReport,
  FlowVersion,
  ImportedFlow,
  SavedFlow,
} from '../../flows/dto/flow.response';
import type { ApiRoute } from '../route';
import { idParam } from './params';

const flow = idParam('flow');
const tags = ['flows'];

/** A two-agent flow with scripted models: saving it costs nothing and needs no provider key. */
export const EXAMPLE_FLOW = {
  name: 'Greeter',
  agents: [
    { name: 'user', type: 'user_proxy', human_input_mode: 'NEVER' },
    {
      name: 'assistant',
      type: 'assistant',
      system_message: 'You greet people.',
      llm: { provider: 'scripted', replies: ['Hello! TERMINATE'] },
    },
  ],
  chat: { type: 'two_agent', initiator: 'user', recipient: 'assistant', max_turns: 2 },
};

export const flowRoutes: ApiRoute[] = [
  {
    method: 'get',
    path: '/flows/schema',
    operationId: 'flows.schema',
    summary: 'The flow spec’s JSON Schema',
    tags,
    access: 'public',
    responses: {
      200: { description: 'JSON Schema (draft 2020-12)', schema: z.record(z.string(), z.unknown()) },
    },
  },
  {
    method: 'post',
    path: '/flows',
    operationId: 'flows.create',
    summary: 'Create a flow',
    tags,
    access: 'key',
    body: { schema: FlowSpec, example: EXAMPLE_FLOW },
    responses: { 201: { description: 'The flow, version 1, with warnings', schema: SavedFlow } },
    errors: [400, 403],
  },
  {
    method: 'post',
    path: '/flows/import/agentok',
    operationId: 'flows.importAgentok',
    summary: 'Import an Agentok Studio flow',
    description:
      'Converts a React Flow `{nodes, edges}` export and saves it; what cannot be converted is reported.',
    tags,
    access: 'key',
    body: { schema: AgentokFlowSchema },
    responses: { 201: { description: 'The saved flow and the conversion warnings', schema: ImportedFlow } },
    errors: [400, 403],
  },
  {
    method: 'get',
    path: '/flows',
    operationId: 'flows.list',
    summary: 'List flows',
    tags,
    access: 'key',
    responses: { 200: { description: 'The account’s flows (not archived)', schema: z.array(Flow) } },
    errors: [403],
  },
  {
    method: 'get',
    path: '/flows/{id}',
    operationId: 'flows.get',
    summary: 'Get a flow (a version)',
    tags,
    access: 'key',
    params: flow,
    query: VersionQuery,
    responses: { 200: { description: 'The flow at `version` (default the latest)', schema: Flow } },
    errors: [400, 403, 404],
  },
  {
    method: 'put',
    path: '/flows/{id}',
    operationId: 'flows.update',
    summary: 'Update a flow (a new version)',
    tags,
    access: 'key',
    params: flow,
    body: { schema: FlowSpec, example: EXAMPLE_FLOW },
    responses: { 200: { description: 'The flow’s new version, with warnings', schema: SavedFlow } },
    errors: [400, 403, 404],
  },
  {
    method: 'delete',
    path: '/flows/{id}',
    operationId: 'flows.archive',
    summary: 'Archive a flow',
    description: 'Chats pinned to it keep working; it leaves lists and cannot start new chats.',
    tags,
    access: 'key',
    params: flow,
    responses: { 204: { description: 'Archived' } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/flows/{id}/versions',
    operationId: 'flows.listVersions',
    summary: 'List a flow’s versions',
    tags,
    access: 'key',
    params: flow,
    responses: { 200: { description: 'Versions, oldest first', schema: z.array(FlowVersion) } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/flows/{id}/test',
    operationId: 'flows.test',
    summary: 'Replay recorded conversations on a flow version',
    description:
      'Replays `chat_ids` or `transcripts` and reports, per conversation, the first message that differs.',
    tags,
    access: 'key',
    params: flow,
    body: { schema: FlowTestBody },
    responses: { 200: { description: 'The test report', schema: FlowTestReport } },
    errors: [400, 403, 404],
  },
];
