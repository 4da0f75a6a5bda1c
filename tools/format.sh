#!/bin/sh
# Formats the tree with the committed .swift-format (swift-format ships with the toolchain, 6.x);
# `tools/format.sh --lint` checks it instead, changing nothing, and fails on any finding.
# `tools/format.sh [--lint] FILE...` formats (or checks) only those files, e.g. the ones a change touched.
# TidyTests (swift test --filter TidyTests) holds the rules the formatter cannot fix: layering,
# no Foundation in Sources, function length, and the long lines it cannot wrap (string literals).
set -eu
root="$(cd "$(dirname "$0")/.." && pwd)"
mode=format
if [ "${1:-}" = "--lint" ]; then
    mode=lint
    shift
fi
if [ "$#" -eq 0 ]; then
    cd "$root"
    set -- Sources Tests tools Package.swift
fi
if [ "$mode" = lint ]; then
    exec swift format lint --strict --recursive --configuration "$root/.swift-format" "$@"
fi
exec swift format format --in-place --recursive --configuration "$root/.swift-format" "$@"
