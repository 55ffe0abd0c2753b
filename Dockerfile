# Pixir in a container: for servers and CI jobs without a desktop.
#
#   docker build -t pixir .
#   docker run --rm -it -v pixir-home:/home/pixir/.pixir -v "$PWD":/workspace pixir login
#   docker run --rm -it -v pixir-home:/home/pixir/.pixir -v "$PWD":/workspace pixir run "…"
#
# The build stage compiles the Linux binary for the platform being built (amd64 or arm64) with
# the same `deno task compile` as a release; the runtime image holds that one file, a shell and
# git for the tools, and runs as an unprivileged user with Pixir's files on a volume.

# --- build ------------------------------------------------------------------------------------
# Node brings npm, from which scripts/deno fetches the pinned Deno.
FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY scripts/ scripts/
RUN scripts/deno --version
COPY deno.json deno.lock ./
COPY src/ src/
RUN scripts/deno task compile --target host --out /out \
 && cp "/out/pixir-$(uname -m)-unknown-linux-gnu" /out/pixir \
 && /out/pixir --version

# --- runtime ----------------------------------------------------------------------------------
FROM debian:bookworm-slim
# bash and git for the model's shell tool; CA certificates for git over https.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 --shell /bin/bash pixir \
 && mkdir -p /home/pixir/.pixir /workspace \
 && chown pixir:pixir /home/pixir/.pixir /workspace \
 && chmod 700 /home/pixir/.pixir
COPY --from=build --chmod=755 /out/pixir /usr/local/bin/pixir
ENV PIXIR_HOME=/home/pixir/.pixir
VOLUME ["/home/pixir/.pixir"]
USER pixir
WORKDIR /workspace
ENTRYPOINT ["pixir"]
CMD ["help"]
