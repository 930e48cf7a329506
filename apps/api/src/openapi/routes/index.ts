import type { ApiRoute } from '../route';
import { chatRoutes } from './chats';
import { compatRoutes } from './compat';
import { flowRoutes } from './flows';
import { knowledgeRoutes } from './knowledge';
import { managementRoutes } from './management';
import { serviceRoutes } from './service';
import { webhookRoutes } from './webhooks';

/** Every documented route, one file per resource. */
export const API_ROUTES: ApiRoute[] = [
  ...chatRoutes,
  ...flowRoutes,
  ...managementRoutes,
  ...knowledgeRoutes,
  ...webhookRoutes,
  ...serviceRoutes,
  ...compatRoutes,
];
