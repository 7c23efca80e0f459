# Sourced by scripts that need the corporate folders indexed (scripts/bench/corporate-eval,
# scripts/train-calibration): a private nerved on an index kept in .cache/corporate-index/,
# re-synced with ../shared/data/corp-docs and ../shared/data/sourcegraph-handbook on every run (an
# unchanged file costs a stat) and rebuilt from scratch only when the embedding model's files
# changed or nerved cannot open it. Ingesting everything with embeddings takes many minutes on a
# small machine; the time is printed.
#
# After `corporate_index_start PIPELINES`: $sock is the daemon's socket, `nerve ...` talks to it,
# and the daemon stops when the sourcing script exits. `corporate_index_restart PIPELINES` swaps
# the pipelines. Needs $shared (the data root, absolute).

state=.cache/corporate-index
mkdir -p "$state"
# One run at a time owns the index; a second waits for the first.
exec 9>"$state/lock"
flock 9

sock="$state/nerved.sock"
pid=""
corporate_index_stop() {
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    pid=""
    rm -f "$sock"
}
trap corporate_index_stop EXIT
nerve() { .build/release/nerve --socket "$sock" "$@"; }

corporate_index_daemon() {
    rm -f "$sock"
    .build/release/nerved --socket "$sock" --index "$state/index" --pipelines "$1" --log-level warning 2>>"$state/nerved.log" &
    pid=$!
    for _ in $(seq 600); do
        [ -S "$sock" ] && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

corporate_index_restart() {
    corporate_index_stop
    corporate_index_daemon "$1" || { echo "nerved did not start with $1; see $state/nerved.log" >&2; exit 1; }
}

corporate_index_start() {
    # What the index's vectors depend on: the embedding model's files (name, size, mtime). Another
    # model means every vector is re-made, so start clean rather than mix.
    local model stamp
    model=$(sed -n 's/^embedding_model = "\(.*\)"/\1/p' etc/nerved.toml)
    stamp=$( (cd "$model" 2>/dev/null && find . -type f -printf '%p %s %T@\n' | sort) | sha256sum | cut -c1-16)
    if [ -f "$state/model-stamp" ] && [ "$(cat "$state/model-stamp")" != "$stamp" ]; then
        echo "embedding model changed: rebuilding the index"
        rm -rf "$state/index"
    fi
    if ! corporate_index_daemon "$1"; then
        # An index an older or newer nerved wrote: start over once.
        echo "nerved would not start on $state/index (see $state/nerved.log): rebuilding the index"
        pid=""
        rm -rf "$state/index"
        corporate_index_daemon "$1" || { echo "nerved did not start; see $state/nerved.log" >&2; exit 1; }
    fi
    echo "$stamp" > "$state/model-stamp"
    echo "== ingest (index $state/index; load average $(cut -d' ' -f1-3 /proc/loadavg))"
    local d t0 t1 total_start total_end
    total_start=$(date +%s.%N)
    for d in corp-docs sourcegraph-handbook; do
        t0=$(date +%s.%N)
        nerve --json ingest "$shared/$d" > "$state/ingest-$d.json"
        t1=$(date +%s.%N)
        python3 - "$state/ingest-$d.json" "$d" "$t0" "$t1" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
wall = float(sys.argv[4]) - float(sys.argv[3])
print("  %s: %.1f s wall; %d files (%d added, %d changed, %d unchanged, %d removed, %d skipped, %d failed), %d chunks, %d embedded in %.1f s"
      % (sys.argv[2], wall, r["files"], r["added"], r["changed"], r["unchanged"], r["removed"], r["skipped"], r["failed"],
         r["chunks"], r["embedded"], r["embed_ms"] / 1000))
PY
    done
    total_end=$(date +%s.%N)
    python3 -c "import sys; print('  ingest total: %.1f s' % (float(sys.argv[2]) - float(sys.argv[1])))" "$total_start" "$total_end"
    nerve --json status | python3 -c "
import json, sys
s = json.load(sys.stdin)
v = s.get('vectors', {})
print('  index: %d documents, %d chunks, %d vectors (%s)' % (s['documents'], s['chunks'], v.get('stored', 0), v.get('model') or 'no model'))"
}
