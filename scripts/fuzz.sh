#!/usr/bin/env bash
# Builds and runs a libFuzzer target. Usage: scripts/fuzz.sh json [SECONDS] [extra libFuzzer flags...]
# Seeds from Tests/AdmissionTests/Fixtures/json (and its regressions/); crashers land in
# .build-fuzz/artifacts-json/ — copy each into Fixtures/json/regressions/ with a test.
set -euo pipefail
cd "$(dirname "$0")/.."

target="${1:-json}"
seconds="${2:-60}"
shift $(( $# >= 2 ? 2 : $# ))

case "$target" in
json)
    out=.build-fuzz
    mkdir -p "$out/corpus-json" "$out/artifacts-json"
    swiftc -sanitize=fuzzer,address -parse-as-library -O -module-name JSONFuzz \
        Sources/Admission/JSON/*.swift Fuzz/JSONParserFuzz.swift -o "$out/json-fuzz"
    # The working corpus grows; the fixture seeds stay untouched.
    cp Tests/AdmissionTests/Fixtures/json/*.json "$out/corpus-json/"
    if compgen -G "Tests/AdmissionTests/Fixtures/json/regressions/*" >/dev/null; then
        cp Tests/AdmissionTests/Fixtures/json/regressions/* "$out/corpus-json/"
    fi
    cat > "$out/json.dict" <<'DICT'
"{"
"}"
"["
"]"
":"
","
"\""
"\\u"
"\\uD83D\\uDE00"
"\\ud800"
"true"
"false"
"null"
"-0.5e+10"
"1e400"
"\xf0\x9f\x98\x80"
"\xed\xa0\x80"
"\"op\":\"add\""
"\"op\":\"move\""
"\"op\":\"copy\""
"\"path\":\"/a/b\""
"\"from\":\"/a\""
"\"value\":"
"~0~1"
DICT
    exec "$out/json-fuzz" "$out/corpus-json" -dict="$out/json.dict" -max_total_time="$seconds" \
        -max_len=8192 -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$out/artifacts-json/" -print_final_stats=1 "$@"
    ;;
*)
    echo "usage: $0 json [SECONDS]" >&2
    exit 2
    ;;
esac
