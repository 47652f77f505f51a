# Vigie on Node 20 with Debian's chromium for `render: browser` sources.
FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium python3 make g++ ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 NODE_ENV=production VIGIE_STORAGE=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY examples ./examples
VOLUME /data
EXPOSE 3000
ENTRYPOINT ["node", "bin/vigie.js"]
CMD ["start", "--config", "/app/vigie.config.yaml"]
