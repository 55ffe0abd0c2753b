# Sourced by the Containerfile's build steps: when the build was given a CA bundle as the secret
# `ca` (a TLS-inspecting proxy's), npm and Deno trust it too.
if [ -f /run/secrets/ca ]; then
  export NODE_EXTRA_CA_CERTS=/run/secrets/ca DENO_CERT=/run/secrets/ca
fi
