# Shortcuts for the scripts; each target runs from a fresh clone (the scripts install what they need).
.PHONY: run test bench icount fuzz hardening hardening-smoke ci

run:             ## the webhook on https://localhost:8443 with a development certificate
	scripts/dev-run.sh

test:            ## build and run every test (what CI runs)
	scripts/test.sh

bench:           ## the webhook against nginx, same machine, same load (README Performance)
	scripts/bench.sh --duration 8 --rounds 3

icount:          ## instructions per review and per request against nginx (callgrind: repeatable)
	scripts/icount.sh
	scripts/icount-server.sh

fuzz:            ## every libFuzzer target for 60 s
	scripts/fuzz.sh all 60

hardening:       ## the full hardening suite (README Reliability)
	scripts/hardening/all.sh

hardening-smoke: ## the bounded subset CI runs
	scripts/hardening/all.sh --smoke

ci:
	bash .ci/run
