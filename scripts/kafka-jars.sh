#!/usr/bin/env bash
# Resolves the Apache Kafka broker (kafka_2.13 and every runtime dependency) from Maven Central into
# .cache/kafka/<version>/libs, so tests can run a real single-node KRaft broker with `java -cp 'libs/*'`.
# Needs only Java 17 and mvn. Idempotent: exits at once when the jars are already there.
#
#   scripts/kafka-jars.sh                  resolve if missing, then print the libs folder
#   scripts/kafka-jars.sh --print-libs-dir print the libs folder without resolving anything
#
# SYNCWATCH_KAFKA_VERSION overrides the pinned version (kafkajs 2.2.4 is tested against 3.9; Kafka 4
# dropped protocol versions that kafkajs still sends).
set -euo pipefail

KAFKA_VERSION="${SYNCWATCH_KAFKA_VERSION:-3.9.1}"
# Kafka 3.x logs through slf4j 1.7 onto reload4j; the broker pom leaves the binding to the distribution.
SLF4J_VERSION="1.7.36"
DEPENDENCY_PLUGIN_VERSION="3.8.1"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/.cache/kafka/$KAFKA_VERSION"
LIBS="$DEST/libs"
MARKER="$LIBS/kafka_2.13-$KAFKA_VERSION.jar"

if [[ "${1:-}" == "--print-libs-dir" ]]; then
  echo "$LIBS"
  exit 0
fi

if [[ -f "$MARKER" ]]; then
  echo "$LIBS"
  exit 0
fi

command -v mvn >/dev/null || { echo "kafka-jars: mvn is not on PATH (needs Java 17 + Maven)" >&2; exit 1; }
command -v java >/dev/null || { echo "kafka-jars: java is not on PATH (needs Java 17)" >&2; exit 1; }

mkdir -p "$DEST"
WORK="$(mktemp -d "$DEST/resolve.XXXXXX")"
trap 'rm -rf "$WORK"; rmdir "$DEST" 2>/dev/null || true' EXIT

# A throwaway pom whose only job is to name the broker; copy-dependencies then walks its runtime closure.
cat >"$WORK/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.syncwatch.test</groupId>
  <artifactId>kafka-broker-jars</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>org.apache.kafka</groupId>
      <artifactId>kafka_2.13</artifactId>
      <version>$KAFKA_VERSION</version>
    </dependency>
    <dependency>
      <groupId>org.slf4j</groupId>
      <artifactId>slf4j-reload4j</artifactId>
      <version>$SLF4J_VERSION</version>
    </dependency>
  </dependencies>
  <build>
    <plugins>
      <plugin>
        <groupId>org.apache.maven.plugins</groupId>
        <artifactId>maven-dependency-plugin</artifactId>
        <version>$DEPENDENCY_PLUGIN_VERSION</version>
      </plugin>
    </plugins>
  </build>
</project>
POM

echo "kafka-jars: resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central" >&2
# Maven's own output goes to stderr so that stdout carries only the libs folder; -q still prints bare
# colour resets, hence the sed.
mvn -B -q -f "$WORK/pom.xml" \
  "org.apache.maven.plugins:maven-dependency-plugin:$DEPENDENCY_PLUGIN_VERSION:copy-dependencies" \
  -DincludeScope=runtime -DoutputDirectory="$WORK/libs" 2>&1 | sed -e 's/\x1b\[[0-9;]*m//g' >&2

[[ -f "$WORK/libs/kafka_2.13-$KAFKA_VERSION.jar" ]] || {
  echo "kafka-jars: mvn finished but kafka_2.13-$KAFKA_VERSION.jar is not among the resolved jars" >&2
  exit 1
}

# Publish with one rename so a half-copied folder is never taken for a complete one; a concurrent run
# that got there first wins, and ours is dropped with the work folder.
if ! mv -T "$WORK/libs" "$LIBS" 2>/dev/null; then
  [[ -f "$MARKER" ]] || { echo "kafka-jars: could not move the jars into $LIBS" >&2; exit 1; }
fi
echo "kafka-jars: $(find "$LIBS" -name '*.jar' | wc -l) jars in $LIBS" >&2
echo "$LIBS"
