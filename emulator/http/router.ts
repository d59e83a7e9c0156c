/**
 * Method + path dispatch with `:param` segments. An unknown path is 404 `path not found`; a known path
 * with another method is 405 `allow: <methods>` (OSS http/router.go), methods in registration order.
 */
import { ApiError, errors } from '../errors';
import type { Handler } from './context';

export interface Route {
  method: string;
  /** e.g. `/api/v2/buckets/:bucketID` */
  path: string;
  handler: Handler;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
}

interface CompiledRoute extends Route {
  segments: string[];
}

export class Router {
  private readonly routes: CompiledRoute[] = [];

  constructor(routes: Route[] = []) {
    routes.forEach((r) => this.add(r));
  }

  add(route: Route): void {
    this.routes.push({ ...route, segments: splitPath(route.path) });
  }

  /** The handler for this request, or a thrown 404/405 ApiError. */
  match(method: string, path: string): RouteMatch {
    const segments = splitPath(path);
    const allowed: string[] = [];
    for (const route of this.routes) {
      const params = matchSegments(route.segments, segments);
      if (!params) continue;
      if (route.method === method) return { handler: route.handler, params };
      if (!allowed.includes(route.method)) allowed.push(route.method);
    }
    if (allowed.length > 0) throw errors.methodNotAllowed(allowed);
    throw new ApiError('not found', 'path not found');
  }
}

/** `/api/v2/buckets/` and `/api/v2/buckets` are the same resource. */
function splitPath(path: string): string[] {
  return path.split('/').filter((s, i, all) => i > 0 && !(s === '' && i === all.length - 1));
}

function matchSegments(pattern: string[], actual: string[]): Record<string, string> | undefined {
  if (pattern.length !== actual.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    const a = actual[i] as string;
    if (p.startsWith(':')) {
      if (a === '') return undefined;
      params[p.slice(1)] = safeDecode(a);
    } else if (p !== a) {
      return undefined;
    }
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
