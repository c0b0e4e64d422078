// Serves the dashboard page and the chart.js bundle it loads; the page itself needs no token, its data does.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

const DASHBOARD_DIR = fileURLToPath(new URL('../../dashboard/', import.meta.url));
const CHART_JS_DIR = dirname(createRequire(import.meta.url).resolve('chart.js'));

export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  // The page's own tsconfig.json (for type-checking its JS) is not served.
  await app.register(fastifyStatic, { root: DASHBOARD_DIR, prefix: '/', index: ['index.html'], wildcard: false, allowedPath: (path) => !path.endsWith('tsconfig.json') });
  await app.register(fastifyStatic, { root: CHART_JS_DIR, prefix: '/vendor/chart.js/', decorateReply: false, allowedPath: (path) => path.endsWith('.js') });
}
