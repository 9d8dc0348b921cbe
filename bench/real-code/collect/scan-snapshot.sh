#!/bin/bash
# scan-snapshot.sh GITDIR [REV]: the JS/TS/HTML files at REV (default HEAD) of a bare git snapshot that call a
# tfjs batch-normalization layer, with their counts, leaving out node_modules, build output, vendored and
# minified bundles and tfjs's own files. Nothing listed: the repository has no builder for the study.
g="$1"; rev="${2:-HEAD}"
git --git-dir="$g" grep -I -c -E 'batchNormalization\s*\(|BatchNormalization\(\{|layers\.batchNorm' "$rev" -- \
  '*.js' '*.mjs' '*.cjs' '*.ts' '*.mts' '*.jsx' '*.tsx' '*.html' \
  ':!:**/node_modules/**' ':!:*.min.js' ':!:**/dist/**' ':!:**/build/**' ':!:**/vendor/**' ':!:**/*bundle*.js' \
  ':!:**/tfjs*.js' ':!:**/tf.js' ':!:**/tf.es2017.js' ':!:**/*.d.ts' 2>/dev/null | sed "s/^$rev://" | awk -F: '$2>0'
