# WonderMarket: one image, configured by environment variables, next to a
# PostgreSQL server (see docker-compose.yml). The build runs the same
# commands as `make run`: scripts/setup.sh, then scripts/build-release.sh
# (`cargo leptos build --release`, then the site's files precompressed).
#
#   docker build .                       build from source (needs the rust image)
#
# Where no registry can be reached (the test machines), `make test` builds the
# same runtime from a Debian root made by debootstrap and the release build it
# has just tested (scripts/container-test.sh):
#   docker build --build-arg RUNTIME_IMAGE=localhost/debian:bookworm-slim \
#     --target prebuilt -f Dockerfile DIR    # DIR holds `server` and `site/`
ARG RUST_IMAGE=rust:1.95-bookworm
ARG RUNTIME_IMAGE=debian:bookworm-slim

FROM ${RUST_IMAGE} AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends nodejs npm \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Tools first, so that code changes do not reinstall them.
COPY scripts/setup.sh scripts/setup.sh
COPY end2end/package.json end2end/package-lock.json end2end/
RUN scripts/setup.sh build
COPY . .
RUN scripts/build-release.sh

FROM ${RUNTIME_IMAGE} AS runtime
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin wondermarket
WORKDIR /app
ENV LEPTOS_SITE_ROOT=/app/site \
    LEPTOS_SITE_ADDR=0.0.0.0:8080 \
    RUST_LOG=info
USER wondermarket
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health || exit 1
# DATABASE_URL is required in the container: it starts no PostgreSQL itself.
ENTRYPOINT ["/app/server"]
CMD ["serve"]

# The runtime with a release build made outside (the build context holds it).
FROM runtime AS prebuilt
COPY server /app/server
COPY site /app/site

# The default: the runtime with the build above.
FROM runtime
COPY --from=build /src/target/release/server /app/server
COPY --from=build /src/target/site /app/site
