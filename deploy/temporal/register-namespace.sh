#!/bin/sh
# Registers smile-verify's namespace (retention NAMESPACE_RETENTION) and search attributes
# (workflows/search-attributes.ts: all Keyword) on a Temporal cluster, then checks that the namespace
# lists every one of them. Run once by the `temporal-admin-tools` service of docker-compose.yml
# (temporalio/admin-tools image, `temporal` CLI); works against any self-hosted cluster:
#   TEMPORAL_ADDRESS=host:7233 TEMPORAL_NAMESPACE=ns sh register-namespace.sh
# (`npm run cluster` does the same through the gRPC API: scripts/cluster/namespace.ts.)
#
# Idempotent: an existing namespace and the attributes already listed are left alone. It retries
# while the server is still coming up and exits non-zero if an attribute is still missing at the
# end, so the API and workers never start without them.
set -u
ADDRESS="${TEMPORAL_ADDRESS:-temporal:7233}"
NAMESPACE="${TEMPORAL_NAMESPACE:-default}"
ATTRIBUTES="${SEARCH_ATTRIBUTES:-VerificationStatus ExternalUserId SmileUserId Decision}"
ATTEMPTS="${ATTEMPTS:-60}"
DELAY_SECONDS="${DELAY_SECONDS:-2}"
RETENTION="${NAMESPACE_RETENTION:-7d}"

# Creates the namespace unless it exists; false while the server cannot say.
namespace_ready() {
  temporal operator namespace describe --address "$ADDRESS" --namespace "$NAMESPACE" >/dev/null 2>&1 && return 0
  temporal operator namespace create --address "$ADDRESS" --namespace "$NAMESPACE" --retention "$RETENTION" >/dev/null 2>&1 \
    && echo "namespace $NAMESPACE created (retention $RETENTION)"
  return 1
}

# Prints the attributes not listed yet (all of them when the list itself fails).
missing() {
  if ! listed=$(temporal operator search-attribute list --address "$ADDRESS" --namespace "$NAMESPACE" 2>/dev/null); then
    echo "$ATTRIBUTES"
    return
  fi
  for name in $ATTRIBUTES; do
    printf '%s\n' "$listed" | grep -qw -- "$name" || printf '%s ' "$name"
  done
}

attempt=1
until namespace_ready; do
  if [ "$attempt" -ge "$ATTEMPTS" ]; then
    echo "namespace $NAMESPACE not ready at $ADDRESS after $ATTEMPTS attempts" >&2
    exit 1
  fi
  attempt=$((attempt + 1))
  sleep "$DELAY_SECONDS"
done

attempt=1
while :; do
  todo=$(missing)
  if [ -z "$todo" ]; then
    echo "search attributes registered on $NAMESPACE at $ADDRESS: $ATTRIBUTES"
    exit 0
  fi
  if [ "$attempt" -ge "$ATTEMPTS" ]; then
    echo "search attributes still missing on $NAMESPACE at $ADDRESS after $ATTEMPTS attempts: $todo" >&2
    exit 1
  fi
  for name in $todo; do
    temporal operator search-attribute create --address "$ADDRESS" --namespace "$NAMESPACE" --name "$name" --type Keyword \
      || echo "create $name: not yet (attempt $attempt of $ATTEMPTS)" >&2
  done
  attempt=$((attempt + 1))
  sleep "$DELAY_SECONDS"
done
