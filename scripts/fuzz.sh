#!/usr/bin/env bash
# Builds and runs the libFuzzer targets (swiftc -sanitize=fuzzer,address).
#
#   scripts/fuzz.sh TARGET [SECONDS] [extra libFuzzer flags...]   one target (default 60 s)
#   scripts/fuzz.sh all [SECONDS]                                   every target in turn
#   scripts/fuzz.sh build [TARGET|all]                              build only
#
# Targets:
#   json      Admission JSON parser, writer, patch and pointer      (Fuzz/JSONParserFuzz.swift)
#   http1     HTTP/1.1 RequestParser, arbitrary bytes and splits    (Fuzz/HTTP1ParserFuzz.swift)
#   pipeline  bytes → AdmissionPipeline.handle at /mutate, /validate (Fuzz/PipelineFuzz.swift)
#   config    text → PolicyConfiguration.load(yaml:)                (Fuzz/ConfigurationFuzz.swift)
#
# Seeds come from the repository (fixtures and their regressions/ folders) and are copied into a
# working corpus under .build-fuzz/corpus-TARGET (gitignored), which grows across runs. A crasher
# lands in .build-fuzz/artifacts-TARGET/: fix it, copy it into the target's regressions/ folder
# (see `regressions_dir`) and add a test that replays it. Every regression file is also run
# first, so a fixed crasher that comes back fails the run at once.
#
# pipeline and config need Yams: its sources come from $YAMS_DIR, else .build/checkouts/Yams,
# else `swift package resolve` into .build-fuzz/spm. They are compiled with the same sanitizers
# (libyaml's C with clang) beside Admission and Policy, as separate modules under .build-fuzz/obj.
#
# Ends with `fuzz: N passed, M failed`; exits 1 if any target crashed, leaked, timed out or did
# not build. Runs one fuzzer at a time (-jobs/-workers are not used).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH
# Swift's own crash reporter reads memory that ASan then reports as a second, bogus error.
export SWIFT_BACKTRACE=enable=no

TARGETS=(json http1 pipeline config)
OUT=.build-fuzz
OBJ=$OUT/obj
SWIFT_FLAGS=(-sanitize=fuzzer,address -parse-as-library -O)
# Admission's JSON string scan imports the header-only C module CJSONScan (static inline SIMD).
CJSONSCAN=(-I Sources/CJSONScan)

# swiftc without ld.gold's "Cannot export local symbol" noise from the ASan runtime.
sc() {
    local status=0 log
    log=$(mktemp)
    swiftc "$@" >"$log" 2>&1 || status=$?
    grep -v 'Cannot export local symbol' "$log" >&2 || true
    rm -f "$log"
    return "$status"
}

usage() {
    echo "usage: $0 {json|http1|pipeline|config|all} [SECONDS] [libFuzzer flags...]" >&2
    echo "       $0 build [TARGET|all]" >&2
    exit 2
}

# The folders a target's seeds come from (fixtures, checked in, small).
seed_dirs() {
    case "$1" in
    json) echo Tests/AdmissionTests/Fixtures/json ;;
    http1) echo Tests/HTTPServerTests/Fixtures/http1 ;;
    pipeline) find Tests/PolicyTests/Fixtures/reviews -name '*.request.json' -exec dirname {} \; | sort -u ;;
    config) echo config; find Tests/PolicyTests/Fixtures/reviews -name config.yaml -exec dirname {} \; | sort -u ;;
    esac
}

seed_pattern() {
    case "$1" in
    json) echo '*.json' ;;
    http1) echo '*.http' ;;
    pipeline) echo '*.request.json' ;;
    config) echo '*.yaml' ;;
    esac
}

# Where a target's crashers are kept as regression inputs (each replayed by a test).
regressions_dir() {
    case "$1" in
    json) echo Tests/AdmissionTests/Fixtures/json/regressions ;;
    http1) echo Tests/HTTPServerTests/Fixtures/http1/regressions ;;
    pipeline) echo Tests/PolicyTests/Fixtures/pipeline/regressions ;;
    config) echo Tests/PolicyTests/Fixtures/config/regressions ;;
    esac
}

max_len() {
    case "$1" in
    json) echo 8192 ;;
    http1) echo 4096 ;;
    pipeline) echo 8192 ;;
    config) echo 4096 ;;
    esac
}

# True when $1 exists and is newer than every file given after it.
up_to_date() {
    local product=$1; shift
    [ -e "$product" ] || return 1
    [ -z "$(find "$@" -newer "$product" -print -quit 2>/dev/null)" ]
}

yams_dir() {
    if [ -n "${YAMS_DIR:-}" ]; then echo "$YAMS_DIR"; return; fi
    if [ -d .build/checkouts/Yams/Sources/Yams ]; then echo .build/checkouts/Yams; return; fi
    if [ ! -d "$OUT/spm/checkouts/Yams/Sources/Yams" ]; then
        swift package resolve --scratch-path "$OUT/spm" >&2
    fi
    echo "$OUT/spm/checkouts/Yams"
}

# Yams (with libyaml), Admission and Policy as instrumented objects and modules in $OBJ.
build_policy_modules() {
    local yams; yams=$(yams_dir)
    mkdir -p "$OBJ/modules" "$OBJ/cyaml"
    if ! up_to_date "$OBJ/Yams.o" "$yams/Sources"; then
        echo "fuzz: building libyaml and Yams from $yams" >&2
        for c in "$yams"/Sources/CYaml/src/*.c; do
            clang -c -O1 -g -fsanitize=fuzzer-no-link,address -DYAML_DECLARE_STATIC \
                -I"$yams/Sources/CYaml/include" "$c" -o "$OBJ/cyaml/$(basename "$c" .c).o"
        done
        sc "${SWIFT_FLAGS[@]}" -wmo -c -module-name Yams -D SWIFT_PACKAGE -Xcc -DYAML_DECLARE_STATIC \
            -I "$yams/Sources/CYaml/include" -emit-module -emit-module-path "$OBJ/modules/Yams.swiftmodule" \
            "$yams"/Sources/Yams/*.swift -o "$OBJ/Yams.o" -suppress-warnings
    fi
    if ! up_to_date "$OBJ/Admission.o" Sources/Admission Sources/CJSONScan; then
        echo "fuzz: building Admission" >&2
        sc "${SWIFT_FLAGS[@]}" "${CJSONSCAN[@]}" -wmo -c -module-name Admission -swift-version 6 \
            -emit-module -emit-module-path "$OBJ/modules/Admission.swiftmodule" \
            $(find Sources/Admission -name '*.swift') -o "$OBJ/Admission.o"
    fi
    if ! up_to_date "$OBJ/Policy.o" Sources/Policy "$OBJ/Admission.o" "$OBJ/Yams.o"; then
        echo "fuzz: building Policy" >&2
        sc "${SWIFT_FLAGS[@]}" "${CJSONSCAN[@]}" -wmo -c -module-name Policy -swift-version 6 -I "$OBJ/modules" \
            -Xcc -DYAML_DECLARE_STATIC -I "$yams/Sources/CYaml/include" \
            -emit-module -emit-module-path "$OBJ/modules/Policy.swiftmodule" \
            $(find Sources/Policy -name '*.swift') -o "$OBJ/Policy.o"
    fi
    YAMS_INCLUDE="$yams/Sources/CYaml/include"
}

build_target() {
    local target=$1 binary=$OUT/$1-fuzz
    mkdir -p "$OUT"
    case "$target" in
    json)
        up_to_date "$binary" Sources/Admission/JSON Sources/CJSONScan Fuzz/JSONParserFuzz.swift && return 0
        sc "${SWIFT_FLAGS[@]}" "${CJSONSCAN[@]}" -module-name JSONFuzz \
            Sources/Admission/JSON/*.swift Fuzz/JSONParserFuzz.swift -o "$binary"
        ;;
    http1)
        local sources=(Sources/HTTPServer/HTTP/HTTPHeaders.swift Sources/HTTPServer/HTTP/HTTPRequest.swift
            Sources/HTTPServer/HTTP1/RequestParser*.swift Sources/HTTPServer/HTTP1/HTTP1Syntax.swift
            Sources/HTTPServer/HTTP1/HTTP1Limits.swift Sources/HTTPServer/HTTP1/HTTPParseError.swift)
        up_to_date "$binary" "${sources[@]}" Fuzz/HTTP1ParserFuzz.swift && return 0
        sc "${SWIFT_FLAGS[@]}" -module-name HTTP1Fuzz -package-name serverless_mesh_webhook \
            "${sources[@]}" Fuzz/HTTP1ParserFuzz.swift -o "$binary"
        ;;
    pipeline | config)
        build_policy_modules
        local file=Fuzz/PipelineFuzz.swift
        [ "$target" = config ] && file=Fuzz/ConfigurationFuzz.swift
        up_to_date "$binary" "$file" "$OBJ/Policy.o" "$OBJ/Admission.o" "$OBJ/Yams.o" && return 0
        sc "${SWIFT_FLAGS[@]}" "${CJSONSCAN[@]}" -module-name "$(basename "$file" .swift)" -I "$OBJ/modules" \
            -Xcc -DYAML_DECLARE_STATIC -I "$YAMS_INCLUDE" \
            "$file" "$OBJ/Policy.o" "$OBJ/Admission.o" "$OBJ/Yams.o" "$OBJ"/cyaml/*.o -o "$binary"
        ;;
    *) usage ;;
    esac
}

write_dict() {
    local target=$1 dict=$OUT/$1.dict
    case "$target" in
    json | pipeline)
        cat > "$dict" <<'DICT'
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
        [ "$target" = pipeline ] && cat >> "$dict" <<'DICT'
"\"apiVersion\":\"admission.k8s.io/v1\""
"\"apiVersion\":\"admission.k8s.io/v1beta1\""
"\"kind\":\"AdmissionReview\""
"\"request\":"
"\"uid\":"
"\"operation\":\"CREATE\""
"\"operation\":\"UPDATE\""
"\"operation\":\"DELETE\""
"\"object\":"
"\"oldObject\":"
"\"dryRun\":true"
"\"metadata\":"
"\"annotations\":"
"\"labels\":"
"\"spec\":"
"\"template\":"
"\"containers\":"
"\"resources\":"
"\"limits\":"
"\"requests\":"
"\"nodeSelector\":"
"\"ownerReferences\":"
"\"members\":"
"\"servers\":"
"\"selector\":"
"\"ports\":"
"\"ingress\":"
"\"tls\":"
"\"credentialName\":"
"\"mtls\":"
"\"version\":\"v2.3\""
"\"nvidia.com/gpu\""
"\"serverless-mesh-webhook.io/gpu\":\"2\""
"\"sidecar.istio.io/inject\":\"true\""
"\"sidecar.istio.io/inject\":\"false\""
"\"serving.knative.openshift.io/enablePassthrough\":\"true\""
"\"namespace\":\"knative-serving\""
"\"namespace\":\"istio-system\""
"\"name\":\"knative-local-gateway\""
"\"name\":\"knative-ingress-gateway\""
"\"kubernetes.io/arch\":\"s390x\""
"\"0.5\""
"\"500m\""
DICT
        ;;
    http1)
        cat > "$dict" <<'DICT'
"\x0d\x0a"
"\x0d\x0a\x0d\x0a"
"\x0a"
" HTTP/1.1\x0d\x0a"
" HTTP/1.0\x0d\x0a"
"HTTP/2.0"
"POST /mutate"
"GET /livez"
"OPTIONS *"
"http://host/path?q"
"Host: localhost\x0d\x0a"
"Content-Length: "
"Content-Length: 0\x0d\x0a"
"Transfer-Encoding: chunked\x0d\x0a"
"Transfer-Encoding: gzip, chunked"
"Expect: 100-continue\x0d\x0a"
"Connection: close\x0d\x0a"
"Content-Type: application/json\x0d\x0a"
"0\x0d\x0a\x0d\x0a"
"5;ext=1\x0d\x0a"
"ffffffffffffffff"
" \x09"
":"
DICT
        ;;
    config)
        cat > "$dict" <<'DICT'
"integration: kourier"
"integration: mesh-ingress"
"enforcement: warn"
"meshNamespace: "
"servingNamespace: "
"servingIngressNamespace: "
"memberRoll:"
"requiredMembers: [knative-serving]"
"controlPlane:"
"requireMTLS: true"
"minVersion: v2.0"
"metricsExcludedPorts: [8444]"
"gateways:"
"selector: {istio: ingressgateway}"
"credentialName: "
"knativeService:"
"sidecarInjection: label"
"rewriteAppHTTPProbers: "
"passthrough: "
"gpu:"
"resource: nvidia.com/gpu"
"annotation: "
"maxPerService: "
"unsupportedArchitectures: "
"secrets:"
"certificateUIDLabel: "
"namespaces:"
"types: "
"labelServingSystem: "
"warnCostAppLabel: "
"rules:"
"disabled: [KSVC-GPU]"
"warnOnly: [SMMR-NAME]"
"\x0a  "
"- "
"&a "
"*a"
"<<: "
"!!str "
"!!int "
"!!binary "
"? "
"---\x0a"
"..."
"~"
"0x1F"
"1e400"
"9223372036854775808"
DICT
        ;;
    esac
    echo "$dict"
}

# Runs one target for $2 seconds; returns libFuzzer's status.
run_target() {
    local target=$1 seconds=$2; shift 2
    local corpus=$OUT/corpus-$target artifacts=$OUT/artifacts-$target regressions
    regressions=$(regressions_dir "$target")
    mkdir -p "$corpus" "$artifacts"
    # The working corpus grows; the fixture seeds stay untouched.
    local dir pattern; pattern=$(seed_pattern "$target")
    local file
    for dir in $(seed_dirs "$target"); do
        # Scenario folders reuse file names: keep the folder in the corpus name.
        for file in "$dir"/$pattern; do
            [ -f "$file" ] && cp "$file" "$corpus/$(tr / _ <<<"$dir")_$(basename "$file")"
        done
    done
    # A fixed crasher must stay fixed: replay every regression input before fuzzing.
    if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
        "$OUT/$target-fuzz" -runs=0 -rss_limit_mb=2048 "$regressions"/* >"$OUT/$target-regressions.log" 2>&1 || {
            tail -30 "$OUT/$target-regressions.log" >&2
            echo "fuzz: $target: a regression input in $regressions fails again" >&2
            return 1
        }
        cp "$regressions"/* "$corpus/"
    fi
    local dict; dict=$(write_dict "$target")
    "$OUT/$target-fuzz" "$corpus" -dict="$dict" -max_total_time="$seconds" -max_len="$(max_len "$target")" \
        -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -artifact_prefix="$artifacts/" \
        -print_final_stats=1 "$@"
}

[ $# -ge 1 ] || usage
mode=$1; shift

if [ "$mode" = build ]; then
    which=${1:-all}
    if [ "$which" = all ]; then for t in "${TARGETS[@]}"; do build_target "$t"; done; else build_target "$which"; fi
    exit 0
fi

seconds=${1:-60}; [ $# -ge 1 ] && shift
case "$seconds" in '' | *[!0-9]*) usage ;; esac
case "$mode" in
all) selected=("${TARGETS[@]}") ;;
json | http1 | pipeline | config) selected=("$mode") ;;
*) usage ;;
esac

passed=0 failed=0 failures=()
for target in "${selected[@]}"; do
    log=$OUT/$target.log
    mkdir -p "$OUT"
    if ! build_target "$target"; then
        echo "fuzz: $target: FAILED to build"
        failed=$((failed + 1)); failures+=("$target (build)")
        continue
    fi
    echo "fuzz: $target: running ${seconds}s (log $log)"
    status=0
    run_target "$target" "$seconds" "$@" >"$log" 2>&1 || status=$?
    execs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -1)
    rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -1)
    cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    corpus_size=$(find "$OUT/corpus-$target" -type f | wc -l)
    if [ "$status" -eq 0 ]; then
        echo "fuzz: $target: passed — ${execs:-?} execs (${rate:-?}/s), ${cov:-no coverage line}, corpus $corpus_size"
        passed=$((passed + 1))
    else
        echo "fuzz: $target: FAILED (exit $status) — see $log; artifacts in $OUT/artifacts-$target/"
        grep -E '==[0-9]+==ERROR|Fatal error|SUMMARY|Test unit written|deadly signal|ERROR: libFuzzer' "$log" | head -8 | sed 's/^/    /'
        failed=$((failed + 1)); failures+=("$target")
    fi
done

echo "fuzz: $passed passed, $failed failed${failures[*]:+ — ${failures[*]}}"
[ "$failed" -eq 0 ]
