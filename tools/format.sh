#!/bin/sh
# Formats the tree with the committed .swift-format (swift-format ships with the toolchain, 6.x);
# `tools/format.sh --lint` checks it instead, changing nothing, and fails on any finding.
# TidyTests (swift test --filter TidyTests) holds the rules the formatter cannot fix: layering,
# no Foundation in Sources, function length, and the long lines it cannot wrap (string literals).
set -eu
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--lint" ]; then
    exec swift format lint --strict --recursive --configuration .swift-format Sources Tests tools Package.swift
fi
exec swift format format --in-place --recursive --configuration .swift-format Sources Tests tools Package.swift
