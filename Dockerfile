# syntax=docker/dockerfile:1.7
# One image holding every program; each Deployment, Job and CronJob picks its own:
#   node /app/dist/apps/main.js agent|sales|notification|aggregator|migrate
# Node 24 (LTS). Base images are pinned by exact version tag (node) and by Node major, Debian release and
# user (distroless publishes no finer tag); both are Debian 12, so production-deps matches the runtime's
# libc. To pin digests, resolve them where the registry is reachable and append @sha256:… to each.
ARG NODE_IMAGE=node:24.19.0-bookworm-slim
ARG RUNTIME_IMAGE=gcr.io/distroless/nodejs24-debian12:nonroot

# Compiles TypeScript; needs the dev dependencies (typescript, @types/node), which never reach the image.
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the Pulumi provider packages' scripts fetch plugins this stage does not need.
RUN --mount=type=cache,target=/root/.npm npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/copy-migrations.mjs scripts/
COPY contract contract
COPY apps apps
RUN npm run build

# Runtime dependencies only, installed on the same Node and libc as the runtime image.
FROM ${NODE_IMAGE} AS production-deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --ignore-scripts --no-audit --no-fund

# Distroless: node and CA certificates, no shell or package manager. Files stay owned by root, so the
# non-root user can read the code but not change it.
FROM ${RUNTIME_IMAGE}
WORKDIR /app
# node lives in /nodejs/bin here; on PATH, the pods' `command: ["node", …]` finds it.
# The services live on ~30 MB of heap; V8's defaults let an idle-looking service hold 200 MB+ under
# load. An 8 MB young generation (half the scavenges of 4 MB, for ~9 MB more RSS) and a 96 MB
# old-space cap keep RSS near 110 MB at full speed (`npm run bench -- agent` runs with these same
# options; README, benchmarks). The aggregator's CronJob overrides them.
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-semi-space-size=8 --max-old-space-size=96" \
    PATH=/nodejs/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# package.json's "type": "module" is what makes node load dist/**/*.js as ES modules.
COPY package.json ./
COPY --from=production-deps /app/node_modules node_modules
COPY --from=build /app/dist/contract dist/contract
COPY --from=build /app/dist/apps dist/apps
USER 10001:10001
ENTRYPOINT ["node", "/app/dist/apps/main.js"]
