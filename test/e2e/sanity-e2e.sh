#!/usr/bin/env bash
# Sanity-train's part of the real-editor tests (npm run test:e2e:sanity): the integration suite
# test/integration/sanity (trusted and Restricted Mode) in code-server's extension host and the UI test
# test/e2e/sanity-lens.ui.mjs and test/e2e/sanity-own-tfjs.ui.mjs (a workspace with its own tfjs). The harness itself is test/e2e/run-e2e.sh (npm run test:e2e runs all parts).
E2E_ONLY=sanity exec bash "$(dirname "$0")/run-e2e.sh" "$@"
