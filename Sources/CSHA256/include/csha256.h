// SHA-256 compression with the x86 SHA extensions, for the hash chain's hot paths (every read and every
// append hashes each event). SHA256.swift calls it when the CPU has them and keeps its portable
// compression otherwise; both must give the same digests (SHA256Tests).
#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has the SHA extensions (and SSSE3, SSE4.1) that `csha256_compress` uses, else 0.
int csha256_available(void);

/// Compresses `blocks` 64-byte blocks at `data` into `state` (h0...h7 in order). Call only when
/// `csha256_available()` returned 1.
void csha256_compress(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
