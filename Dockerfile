# pipebot — multi-stage build: dependencies are installed from the lock file,
# the runtime image carries only production dependencies and runs as a non-root user.
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    PGLITE_DIR=/data/pglite \
    PORT=3000
WORKDIR /app
RUN groupadd --system pipebot && useradd --system --gid pipebot --home /app pipebot \
    && mkdir -p /data && chown pipebot:pipebot /data
COPY --from=deps --chown=pipebot:pipebot /app/node_modules ./node_modules
COPY --chown=pipebot:pipebot package.json ./
COPY --chown=pipebot:pipebot bin ./bin
COPY --chown=pipebot:pipebot src ./src
COPY --chown=pipebot:pipebot drizzle ./drizzle
COPY --chown=pipebot:pipebot prompts ./prompts
USER pipebot
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "bin/pipebot.js"]
CMD ["start"]
