# One image for both processes: the API (default command) and the worker
# (`node dist/apps/worker/src/main.js`). Node 22 LTS; the app itself still supports Node >= 20.19.

# --- build: compile the server (tsc) and the console (Vite), then drop dev dependencies ---
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm 10 in this image ignores package.json allowScripts: say no to the analytics install script here.
ENV SCARF_ANALYTICS=false
RUN npm ci
COPY tsconfig.json tsconfig.build.json nest-cli.json ./
COPY apps ./apps
COPY libs ./libs
COPY bench ./bench
RUN npm run build && npm prune --omit=dev

# --- runtime: non-root, code read-only, one writable data folder ---
FROM node:22-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
# Code stays owned by root (the process cannot rewrite itself); migrations are compiled into dist.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# DATA_DIR must be writable by the process: without DATABASE_URL the embedded Postgres runs initdb
# there as the current user (which must not be root), and files are kept there.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
# No curl in the slim image: Node's fetch probes liveness on the API's port. The worker has no HTTP
# port of its own: compose overrides this check for it (probes on METRICS_PORT).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "dist/apps/api/src/main.js"]
