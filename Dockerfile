# One image for every sandmail service; the command picks which front ends a container runs.
FROM node:20-bookworm-slim
RUN npm i -g pnpm@12.4.2
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
COPY packages ./packages
COPY services ./services
COPY apps ./apps
COPY test/package.json ./test/package.json
COPY examples/signup/package.json ./examples/signup/package.json
RUN pnpm install --frozen-lockfile --prod
ENV SANDMAIL_HOST=0.0.0.0 \
    NODE_ENV=production
EXPOSE 2525 4650 1143 9933 1110 9955 8025
USER node
ENTRYPOINT ["node", "apps/sandmail/bin/sandmail.js"]
CMD ["serve"]
