# One image for every sandmail service; the command picks which front ends a container runs.
# apps/sandmail/test/packaged.test.ts replays the runtime stage (its COPY, ENV and ENTRYPOINT/CMD)
# on an `npm pack` + `npm install` of the same package, so a broken path or command fails a test.

# Build: the workspace compiled, packed into the npm package `sandmail`, and installed the way a
# user installs it (production dependencies only; re2's native addon is built here, with the tools).
FROM node:22.23.3-bookworm AS build
RUN npm i -g pnpm@12.4.2
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm build \
 && npm pack ./apps/sandmail --pack-destination /tmp \
 && mkdir -p /opt/sandmail \
 && cd /opt/sandmail \
 && echo '{"name":"sandmail-image","private":true}' > package.json \
 && npm install --omit=dev --no-audit --no-fund /tmp/sandmail-*.tgz

# Runtime: Node and the installed package, nothing else.
FROM node:22.23.3-bookworm-slim
LABEL org.opencontainers.image.title="sandmail" \
      org.opencontainers.image.description="Disposable test inboxes: SMTP in; REST API, IMAP, POP3 and a web inbox out" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.source="https://github.com/sandmail/sandmail"
ENV NODE_ENV=production \
    SANDMAIL_HOST=0.0.0.0 \
    SANDMAIL_TLS_DIR=/var/lib/sandmail/tls
COPY --from=build /opt/sandmail /opt/sandmail
# The self-signed certificate is made once into this volume, so a mail client accepts it only once.
RUN mkdir -p /var/lib/sandmail/tls && chown -R node:node /var/lib/sandmail
VOLUME /var/lib/sandmail
EXPOSE 2525 4650 1143 9933 1110 9955 8025
USER node
HEALTHCHECK --interval=10s --timeout=3s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.SANDMAIL_API_PORT||8025)+'/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/sandmail/node_modules/sandmail/bin/sandmail.js"]
CMD ["serve"]
