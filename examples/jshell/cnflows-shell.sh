#!/usr/bin/env bash
# Starts jshell with cnflows and its dependencies (DJL, PyTorch natives) on the class path.
#   examples/jshell/cnflows-shell.sh                 interactive
#   examples/jshell/cnflows-shell.sh notebook.jsh    run a notebook (it ends with /exit)
# Builds the examples module first if its jar or lib/ folder is missing.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
target="$root/examples/target"
if [ ! -f "$target/cnflows-examples.jar" ] || [ ! -d "$target/lib" ]; then
  echo "cnflows-shell: building the SDK (mvn -B -q -DskipTests package) ..." >&2
  (cd "$root" && mvn -B -q -DskipTests package)
fi
classpath="$target/cnflows-examples.jar"
for jar in "$target"/lib/*.jar; do
  classpath="$classpath:$jar"
done
exec jshell --class-path "$classpath" \
  -R-Dai.djl.offline=true \
  -R-Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  "$@"
