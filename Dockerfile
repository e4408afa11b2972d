# One image for the scheduler and the workers (the command picks the process).
# GPU workers: build FROM an nvidia/cuda runtime base and `npm install @tensorflow/tfjs-node-gpu`;
# the worker then selects the CUDA backend by itself.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json turbo.json tsconfig.base.json ./
COPY packages ./packages
COPY apps ./apps
RUN npm ci --no-audit --no-fund && npx turbo run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
USER node
CMD ["node", "apps/scheduler/dist/server.js"]
