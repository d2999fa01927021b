# Assertions and installs for the network hardening scripts (slow-clients, tls-audit,
# h2-abuse, connection-storm, leaks, rotation-under-load, shutdown-under-load). Source it after
# lib.sh:  . "$(dirname "$0")/lib.sh"; . "$(dirname "$0")/checks.sh"
# Gives: SMOKE (1 when the script got --smoke), `check DESCRIPTION COMMAND...` (counts one
# passed or failed property), `le A B` / `lt A B` (numeric comparisons for check), `finish`
# (prints "NAME: N passed, M failed" and exits non-zero on any failure), `need_debs PKG...`
# and `need_python_module MODULE PYPI-NAME` (install what is missing), `note TEXT`.
SMOKE=0
for smw_arg in "$@"; do [ "$smw_arg" = --smoke ] && SMOKE=1; done
CHECKS_PASSED=0
CHECKS_FAILED=0

note() { echo "$SCRIPT_NAME: $*"; }
check() {
  local description=$1; shift
  if "$@"; then
    CHECKS_PASSED=$((CHECKS_PASSED + 1)); echo "  ok    $description"
  else
    CHECKS_FAILED=$((CHECKS_FAILED + 1)); echo "  FAIL  $description"
  fi
}
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 <= b + 0) }'; }
lt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 < b + 0) }'; }
finish() {
  echo "$SCRIPT_NAME: $CHECKS_PASSED passed, $CHECKS_FAILED failed"
  if [ "$CHECKS_FAILED" -eq 0 ] && [ "$CHECKS_PASSED" -gt 0 ]; then exit 0; fi
  exit 1
}

need_debs() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo=sudo
  note "installing ${missing[*]}" >&2
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}
need_python_module() {
  python3 -c "import $1" 2>/dev/null && return 0
  note "installing $2 from PyPI" >&2
  python3 -m pip install -q "$2" >/dev/null 2>&1 || python3 -m pip install -q --break-system-packages "$2" >/dev/null
}
