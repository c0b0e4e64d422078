#!/usr/bin/env bash
# CI step before `npm test`: make sure the Kafka broker jars are in .cache/kafka/<version>/libs.
# Cold (empty ~/.m2) this downloads ~46 MB from Maven Central in about 20-25 s; warm it is a no-op.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
command -v java >/dev/null || { echo "kafka-setup: java is missing (the Kafka test broker needs Java 17)" >&2; exit 1; }
start=$(date +%s)
libs="$(bash scripts/kafka-jars.sh)"
echo "kafka-setup: $(find "$libs" -name '*.jar' | wc -l) jars ready in $libs ($(( $(date +%s) - start )) s)"
