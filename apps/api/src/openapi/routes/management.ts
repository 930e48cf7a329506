import { z } from 'zod';
import { Account } from '../../accounts/dto/account.response';
import { CreateAgentBody, UpdateAgentBody } from '../../agents/dto/agent.dto';
import { Agent } from '../../agents/dto/agent.response';
import { CreateKeyBody } from '../../keys/dto/key.dto';
import { ApiKey, CreatedApiKey } from '../../keys/dto/key.response';
import { PutSecretBody, SECRET_NAME } from '../../secrets/dto/secret.dto';
import { Secret } from '../../secrets/dto/secret.response';
import type { ApiRoute } from '../route';
import { idParam } from './params';

const agent = idParam('agent');
const secretName = z.object({
  name: z
    .string()
    .regex(SECRET_NAME)
    .meta({ description: 'The secret’s name, as flows reference it', example: 'WEATHER_API_KEY' }),
});

/** Agents, API keys, secrets and the account: the account's own settings. */
export const managementRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/agents',
    operationId: 'agents.create',
    summary: 'Create an agent (publish a flow)',
    tags: ['agents'],
    access: 'key',
    body: {
      schema: CreateAgentBody,
      example: {
        name: 'Support bot',
        flow_id: '0b9d1c7e-4f7a-4a53-9a57-5c2f0e6a1d10',
        domain: 'example.com',
      },
    },
    responses: { 201: { description: 'The agent', schema: Agent } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/agents',
    operationId: 'agents.list',
    summary: 'List agents',
    description: 'An agent-scoped key sees only its agent.',
    tags: ['agents'],
    access: 'key',
    responses: { 200: { description: 'The agents', schema: z.array(Agent) } },
  },
  {
    method: 'get',
    path: '/agents/{id}',
    operationId: 'agents.get',
    summary: 'Get an agent',
    tags: ['agents'],
    access: 'key',
    params: agent,
    responses: { 200: { description: 'The agent', schema: Agent } },
    errors: [400, 404],
  },
  {
    method: 'patch',
    path: '/agents/{id}',
    operationId: 'agents.update',
    summary: 'Change an agent',
    tags: ['agents'],
    access: 'key',
    params: agent,
    body: { schema: UpdateAgentBody, example: { enabled: false } },
    responses: { 200: { description: 'The agent', schema: Agent } },
    errors: [400, 403, 404],
  },
  {
    method: 'delete',
    path: '/agents/{id}',
    operationId: 'agents.delete',
    summary: 'Delete an agent',
    tags: ['agents'],
    access: 'key',
    params: agent,
    responses: { 204: { description: 'Deleted' } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/api-keys',
    operationId: 'apiKeys.create',
    summary: 'Create an API key',
    description: 'The secret (`key`) is in this response only. `agent_id` scopes the key to one agent.',
    tags: ['api-keys'],
    access: 'key',
    body: { schema: CreateKeyBody, example: { name: 'ci' } },
    responses: { 201: { description: 'The key, with its secret', schema: CreatedApiKey } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/api-keys',
    operationId: 'apiKeys.list',
    summary: 'List API keys',
    tags: ['api-keys'],
    access: 'key',
    responses: { 200: { description: 'The keys (prefixes, never secrets)', schema: z.array(ApiKey) } },
    errors: [403],
  },
  {
    method: 'delete',
    path: '/api-keys/{id}',
    operationId: 'apiKeys.revoke',
    summary: 'Revoke an API key',
    description: 'At once: its next request gets 401 and its live connections close.',
    tags: ['api-keys'],
    access: 'key',
    params: idParam('API key'),
    responses: { 204: { description: 'Revoked' } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/secrets',
    operationId: 'secrets.list',
    summary: 'List secrets (names and hosts)',
    tags: ['secrets'],
    access: 'key',
    responses: { 200: { description: 'The secrets, without values', schema: z.array(Secret) } },
    errors: [403],
  },
  {
    method: 'put',
    path: '/secrets/{name}',
    operationId: 'secrets.put',
    summary: 'Create or replace a secret',
    description: 'The value is sent only to the listed `hosts` (same syntax as `EGRESS_ALLOWED_HOSTS`).',
    tags: ['secrets'],
    access: 'key',
    params: secretName,
    body: { schema: PutSecretBody, example: { value: 'sk-example', hosts: ['api.example.com'] } },
    responses: { 200: { description: 'The secret (without its value)', schema: Secret } },
    errors: [400, 403, 503],
  },
  {
    method: 'delete',
    path: '/secrets/{name}',
    operationId: 'secrets.delete',
    summary: 'Delete a secret',
    tags: ['secrets'],
    access: 'key',
    params: secretName,
    responses: { 204: { description: 'Deleted' } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/account',
    operationId: 'account.get',
    summary: 'The account’s plan, usage and credits',
    tags: ['account'],
    access: 'key',
    responses: { 200: { description: 'The account', schema: Account } },
    errors: [403],
  },
];
