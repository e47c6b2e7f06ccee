# Build: compile TypeScript with dev dependencies.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build
# The explorer page (explorer/dist), typed against the printed schema.
COPY schema ./schema
COPY explorer ./explorer
RUN npx tsx explorer/build.ts --force

# Run: production dependencies, compiled code, and the data files it reads at run time.
FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=4000 HOST=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY --from=build /app/explorer/dist ./explorer/dist
COPY cypher ./cypher
COPY schema ./schema
COPY neo4j-local/pom.xml ./neo4j-local/pom.xml
# The import CLI keeps its resume checkpoints under .data/.
RUN mkdir -p /app/.data && chown node:node /app/.data
USER node
EXPOSE 4000
CMD ["node", "dist/main.js", "serve"]
