# Production images for the API, the worker and the sandbox, from one codebase:
#   docker build --target api .   |   --target worker   |   --target sandbox
# glibc base (Debian bookworm): Temporal's native core bridge has no musl build, so no alpine.
# Node 24 (LTS). The images run compiled JavaScript (`npm run build` → dist/), never a TypeScript loader.

FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Exactly the locked versions; the dev dependencies (TypeScript) only for the build, pruned after it.
RUN npm ci --no-fund --no-audit
# Sources only (.dockerignore keeps out tests, docs, node_modules, .env files).
COPY . .
# tsc compiles to dist/, with the migrations beside it, and the workflow code is bundled once here
# (dist/workflow-bundle.js), not at every worker start.
RUN npm run build && test -s dist/workflow-bundle.js && test -s dist/api/server.js
RUN npm prune --omit=dev --no-fund --no-audit && npm cache clean --force

FROM node:24-bookworm-slim AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# Non-root; the files stay owned by root, so the service cannot rewrite its own code.
USER node

FROM runtime AS api
ENV HOST=0.0.0.0 PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/api/server.js"]

FROM runtime AS worker
# Temporal's runtime metrics double as the liveness check (and can be scraped by Prometheus).
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js WORKER_METRICS_HOST=0.0.0.0 WORKER_METRICS_PORT=9464
# Both V8 heaps (activities, workflows) with smaller young generations and a 256 MB old generation, and two
# malloc arenas: a burst of starts no longer grows the heaps far past what they keep live (docs/deployment.md,
# "Worker memory"; the bench runs the worker with the same settings).
ENV NODE_OPTIONS="--max-semi-space-size=4 --max-old-space-size=256" MALLOC_ARENA_MAX=2
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s CMD ["node", "-e", "fetch('http://127.0.0.1:9464/metrics').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/worker/main.js"]

# The local Smile emulator: for the compose `sandbox` profile, never for production traffic.
FROM runtime AS sandbox
ENV SANDBOX_HOST=0.0.0.0 SANDBOX_PORT=3100
EXPOSE 3100
HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "-e", "fetch('http://127.0.0.1:3100/').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/sandbox/server.js"]
