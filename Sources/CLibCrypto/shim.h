// The system libcrypto's SHA-256 (Debian's libssl-dev). The SHA256_Init/Update/Final calls are deprecated
// in OpenSSL 3 in favour of EVP, but they are still shipped and are the fast path: EVP's per-message
// context setup cost more than the whole hash of a ~200-byte event (DR-23).
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/sha.h>
