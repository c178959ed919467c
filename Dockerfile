# The kubeflash operator image: the production bundle (operator/dist/kubeflash-operator.mjs, every dependency
# inside) on a distroless Node.js 20 base that runs as the non-root user 65532. Built from source:
#   docker build -t kubeflash-operator .
# Base images are pinned by digest (update both digests together; .github/workflows/release.yml builds this).

# Build stage: install the workspace (frozen lockfile) and bundle the operator.
FROM node:20-bookworm-slim@sha256:2cf067cfed83d5ea958367df9f966191a942351a2df77d6f0193e162b5febfc0 AS build
WORKDIR /src
ENV CYPRESS_INSTALL_BINARY=0 NPM_CONFIG_UPDATE_NOTIFIER=false
COPY . .
RUN scripts/install.sh \
 && node operator/dist/kubeflash-operator.mjs operator --help >/dev/null

# Runtime stage: nothing but Node.js and the bundle.
FROM gcr.io/distroless/nodejs20-debian12:nonroot@sha256:2cd820156cf039c8b54ae2d2a97e424b6729070714de8707a6b79f20d56f6a9a
LABEL org.opencontainers.image.title="kubeflash-operator" \
      org.opencontainers.image.description="kubeflash operator: ESP32 fleet management on Kubernetes" \
      org.opencontainers.image.licenses="Apache-2.0"
WORKDIR /app
COPY --from=build /src/operator/dist/kubeflash-operator.mjs /app/kubeflash-operator.mjs
USER 65532:65532
ENV NODE_ENV=production
EXPOSE 8080 9443
ENTRYPOINT ["/nodejs/bin/node", "/app/kubeflash-operator.mjs"]
CMD ["operator"]
