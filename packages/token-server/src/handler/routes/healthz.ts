import type { Answer } from '../answer.js';
import type { RequestContext } from '../context.js';

/** `GET /healthz`: no secrets, no STS call, no authentication; a load balancer can poll it freely. */
export function healthz(rc: RequestContext): Answer {
  return rc.json(200, { status: 'ok' });
}
