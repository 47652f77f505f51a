# Vigie on Node 20 with Debian's chromium for `render: browser` sources.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# Inside the container the server listens on every interface, so it refuses to start without VIGIE_TOKEN;
# docker-compose.yml publishes the port on the host's 127.0.0.1 only.
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NODE_ENV=production VIGIE_STORAGE=/data VIGIE_HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY examples ./examples
# The user `node` (uid 1000) of the base image owns only what it writes: the data and bin/vigie.js's bundle cache.
# Chromium keeps its sandbox, which it can do only as a non-root user.
RUN mkdir -p /data node_modules/.cache \
 && chown node:node /data node_modules/.cache \
 && su node -s /bin/sh -c 'node bin/vigie.js --help >/dev/null'
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/vigie.js"]
CMD ["start", "--config", "/app/vigie.config.yaml"]
