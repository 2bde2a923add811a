# Production images for the API, the worker and the sandbox, from one codebase.
# glibc base: Temporal's native core bridge has no musl build.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# The locked versions, without dev dependencies (every direct dependency is an exact pin).
RUN npm install --omit=dev --no-save --no-fund --no-audit

FROM node:20-bookworm-slim AS base
WORKDIR /app
ENV NODE_ENV=production
COPY --from=deps /app/node_modules ./node_modules
COPY package.json tsconfig.json ./
COPY config ./config
COPY runtime ./runtime
COPY workflows ./workflows
COPY activities ./activities
COPY migrations ./migrations
# The sandbox's personas feed the demo page's defaults; the sandbox server itself runs only in its own target.
COPY sandbox ./sandbox

FROM base AS api
COPY api ./api
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "api/server.ts"]

# The workflow code is bundled once here, not at every worker start.
FROM base AS worker
COPY worker ./worker
COPY scripts/build-workflows.ts ./scripts/
RUN node --import tsx scripts/build-workflows.ts dist/workflow-bundle.js
ENV WORKFLOW_BUNDLE_PATH=/app/dist/workflow-bundle.js WORKER_METRICS_HOST=0.0.0.0 WORKER_METRICS_PORT=9464
USER node
EXPOSE 9464
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:9464/metrics').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "worker/main.ts"]

FROM base AS sandbox
USER node
EXPOSE 3100
CMD ["node", "--import", "tsx", "sandbox/server.ts"]
