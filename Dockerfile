# Production images for the API, the worker and the sandbox, from one codebase.
# glibc base: Temporal's native core bridge has no musl build.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-fund --no-audit

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
USER node

FROM base AS api
COPY api ./api
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s CMD node -e "fetch('http://127.0.0.1:3000/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "--import", "tsx", "api/server.ts"]

FROM base AS worker
COPY worker ./worker
CMD ["node", "--import", "tsx", "worker/main.ts"]

FROM base AS sandbox
COPY sandbox ./sandbox
EXPOSE 3100
CMD ["node", "--import", "tsx", "sandbox/server.ts"]
