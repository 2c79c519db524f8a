import { z } from 'zod';
import { guardOf, type RouteEntry } from './guard.ts';
import { validatorSchemas } from './validate.ts';

function toJsonSchema(schema: z.ZodType): unknown {
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}

/** An OpenAPI 3.1 document built from the routes the app really has, their guards and validators. */
export function buildOpenApiDocument(routes: readonly RouteEntry[]) {
  const paths: Record<string, Record<string, Record<string, unknown>>> = {};
  for (const r of routes) {
    if (r.method === 'ALL') continue;
    const path = r.path.replace(/:(\w+)(\{[^}]*\})?\??/g, '{$1}');
    const method = r.method.toLowerCase();
    const byMethod = (paths[path] ??= {});
    const op = (byMethod[method] ??= {
      operationId: `${method}_${path.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_|_$/g, '')}`,
      parameters: [] as unknown[],
      responses: {
        '200': { description: 'OK' },
        '4XX': { description: '`{ "error": { "code", "message" } }`' },
      },
    });
    const roles = guardOf(r.handler);
    if (roles) op['x-roles'] = roles;
    const validator = validatorSchemas.get(r.handler);
    if (!validator) continue;
    const json = toJsonSchema(validator.schema) as { properties?: Record<string, unknown>; required?: string[] };
    if (validator.target === 'json') {
      op.requestBody = { required: true, content: { 'application/json': { schema: json } } };
    } else if (validator.target === 'query' || validator.target === 'param') {
      const where = validator.target === 'param' ? 'path' : 'query';
      for (const [name, schema] of Object.entries(json.properties ?? {})) {
        (op.parameters as unknown[]).push({ name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema });
      }
    }
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Qingfeng 清风 API', version: '1.0.0', description: '党建与廉政监督档案系统接口。所有错误均为 { "error": { "code", "message" } }。' },
    components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'session' } } },
    security: [{ session: [] }],
    paths,
  };
}
