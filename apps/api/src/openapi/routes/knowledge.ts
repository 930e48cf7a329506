import { z } from 'zod';
import {
  CreateBaseBody,
  SearchBody,
  SourceBody,
  UpdateBaseBody,
  UploadFields,
} from '../../knowledge/dto/knowledge.dto';
import { KnowledgeBase, KnowledgeSource, SearchResults } from '../../knowledge/dto/knowledge.response';
import type { ApiRoute } from '../route';
import { idParam } from './params';

const base = idParam('knowledge base');
const source = base.extend({ sourceId: z.uuid().meta({ description: 'The source’s id' }) });
const tags = ['knowledge'];

/** The multipart form of `POST .../sources`: the file plus the optional fields. */
const Upload = UploadFields.extend({
  file: z.string().meta({ format: 'binary', description: 'Markdown, HTML, PDF or plain text' }),
});

export const knowledgeRoutes: ApiRoute[] = [
  {
    method: 'post',
    path: '/knowledge-bases',
    operationId: 'knowledgeBases.create',
    summary: 'Create a knowledge base',
    tags,
    access: 'key',
    body: { schema: CreateBaseBody, example: { name: 'Product docs', language: 'english' } },
    responses: { 201: { description: 'The knowledge base', schema: KnowledgeBase } },
    errors: [400, 403],
  },
  {
    method: 'get',
    path: '/knowledge-bases',
    operationId: 'knowledgeBases.list',
    summary: 'List knowledge bases',
    tags,
    access: 'key',
    responses: { 200: { description: 'The knowledge bases', schema: z.array(KnowledgeBase) } },
    errors: [403],
  },
  {
    method: 'get',
    path: '/knowledge-bases/{id}',
    operationId: 'knowledgeBases.get',
    summary: 'Get a knowledge base',
    tags,
    access: 'key',
    params: base,
    responses: { 200: { description: 'The knowledge base', schema: KnowledgeBase } },
    errors: [400, 403, 404],
  },
  {
    method: 'patch',
    path: '/knowledge-bases/{id}',
    operationId: 'knowledgeBases.update',
    summary: 'Rename or describe a knowledge base',
    tags,
    access: 'key',
    params: base,
    body: { schema: UpdateBaseBody, example: { description: 'Public product documentation' } },
    responses: { 200: { description: 'The knowledge base', schema: KnowledgeBase } },
    errors: [400, 403, 404],
  },
  {
    method: 'delete',
    path: '/knowledge-bases/{id}',
    operationId: 'knowledgeBases.delete',
    summary: 'Delete a knowledge base',
    tags,
    access: 'key',
    params: base,
    responses: { 204: { description: 'Deleted' } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/knowledge-bases/{id}/sources',
    operationId: 'knowledgeBases.addSource',
    summary: 'Add a source (text, website crawl or file upload)',
    description:
      'JSON adds text (`type: "text"`) or a website crawl (`type: "website"`); `multipart/form-data` uploads a file (field `file`). Indexing runs in the background.',
    tags,
    access: 'key',
    params: base,
    body: {
      schema: SourceBody,
      alternatives: { 'multipart/form-data': Upload },
      example: {
        type: 'text',
        title: 'Returns',
        content: '# Returns\nItems can be returned within 30 days.',
      },
    },
    responses: { 202: { description: 'The source, pending indexing', schema: KnowledgeSource } },
    errors: [400, 403, 404, 413],
  },
  {
    method: 'get',
    path: '/knowledge-bases/{id}/sources',
    operationId: 'knowledgeBases.listSources',
    summary: 'List a knowledge base’s sources',
    tags,
    access: 'key',
    params: base,
    responses: { 200: { description: 'The sources', schema: z.array(KnowledgeSource) } },
    errors: [400, 403, 404],
  },
  {
    method: 'get',
    path: '/knowledge-bases/{id}/sources/{sourceId}',
    operationId: 'knowledgeBases.getSource',
    summary: 'Get a source and its indexing progress',
    tags,
    access: 'key',
    params: source,
    responses: { 200: { description: 'The source', schema: KnowledgeSource } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/knowledge-bases/{id}/sources/{sourceId}/resync',
    operationId: 'knowledgeBases.resyncSource',
    summary: 'Index a source again (re-crawl a website)',
    tags,
    access: 'key',
    params: source,
    responses: { 202: { description: 'The source, pending indexing', schema: KnowledgeSource } },
    errors: [400, 403, 404, 409],
  },
  {
    method: 'delete',
    path: '/knowledge-bases/{id}/sources/{sourceId}',
    operationId: 'knowledgeBases.deleteSource',
    summary: 'Delete a source and its chunks',
    tags,
    access: 'key',
    params: source,
    responses: { 204: { description: 'Deleted' } },
    errors: [400, 403, 404],
  },
  {
    method: 'post',
    path: '/knowledge-bases/{id}/search',
    operationId: 'knowledgeBases.search',
    summary: 'Search a knowledge base',
    description:
      'The ranked chunks a question finds, with scores: what an agent of this base would be given.',
    tags,
    access: 'key',
    params: base,
    body: { schema: SearchBody, example: { query: 'How long do I have to return an item?', k: 5 } },
    responses: { 200: { description: 'The hits, best first', schema: SearchResults } },
    errors: [400, 403, 404],
  },
];
