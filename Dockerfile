# The Tagflow gateway as a container image, on Deno's official image.
#   docker build -t tagflow .
#   docker run -d -p 8080:8080 -v tagflow-data:/app/data -e TAGFLOW_API_TOKEN=… tagflow
#   docker run … -v ./plant.jsonc:/app/plant.jsonc:ro tagflow --config plant.jsonc
# The data volume holds the disk buffers, the embedded history and the OPC UA certificates.
ARG DENO_VERSION=2.9.6
FROM denoland/deno:debian-${DENO_VERSION}

WORKDIR /app
# Dependencies first: a change to the code keeps the npm packages' layer.
COPY deno.json deno.lock ./
RUN deno install --frozen
COPY src/ src/
COPY actors/ actors/
COPY config.jsonc config.schema.json ./
# Everything the workers load, compiled into the cache at build time, not at the first start.
RUN deno cache --frozen src/main.ts src/start.ts src/worker.ts actors/*/mod.ts actors/*/actor.ts \
  && mkdir -p data \
  && chown -R deno:deno data node_modules /deno-dir

# The image's unprivileged user; the gateway writes only under /app/data.
USER deno
ENV TAGFLOW_API_HOST=0.0.0.0
VOLUME ["/app/data"]
EXPOSE 8080

# The image has no curl: Deno's own fetch asks /health (the API's default port 8080).
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["deno", "eval", "const r = await fetch('http://127.0.0.1:8080/health'); await r.body?.cancel(); Deno.exit(r.ok ? 0 : 1);"]

ENTRYPOINT ["deno", "task", "start"]
CMD ["--config", "config.jsonc"]
