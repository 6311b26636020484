// A minimal router: `/api/runs/:id/metrics`-style patterns, one handler per method and pattern. Path segments are
// percent-decoded one by one after splitting, so an encoded slash (`..%2F..`) stays inside its segment.
import type { IncomingMessage, ServerResponse } from 'node:http';

import { HttpError } from './http_error.js';

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
}

export type Handler = (ctx: RequestContext) => unknown;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  get(pattern: string, handler: Handler): this {
    return this.add('GET', pattern, handler);
  }

  post(pattern: string, handler: Handler): this {
    return this.add('POST', pattern, handler);
  }

  /** The handler for the request's method and path with its parameters; 404 or 405 as HttpErrors. */
  match(method: string, pathname: string): { handler: Handler; params: Record<string, string> } {
    const segments = pathname.split('/').slice(1);
    const allowed = new Set<string>();
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method || (route.method === 'GET' && method === 'HEAD'))
        return { handler: route.handler, params };
      allowed.add(route.method);
    }
    if (allowed.size > 0) throw new HttpError(405, `${method} is not allowed here`, { Allow: [...allowed].join(', ') });
    throw new HttpError(404, `nothing at ${pathname}`);
  }

  private add(method: string, pattern: string, handler: Handler): this {
    this.routes.push({ method, segments: pattern.split('/').slice(1), handler });
    return this;
  }
}

function matchSegments(pattern: string[], path: string[]): Record<string, string> | undefined {
  if (pattern.length !== path.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const expected = pattern[i]!,
      actual = path[i]!;
    if (expected.startsWith(':')) {
      if (actual === '') return undefined;
      params[expected.slice(1)] = decodeSegment(actual);
    } else if (expected !== actual) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in '${segment}'`);
  }
}
