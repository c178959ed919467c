#pragma once
/*
 * Portable core: no ESP-IDF includes (mbedTLS is portable: ESP-IDF's `mbedtls` component on the device, Debian's
 * libmbedtls in host tests). SHA-256 over a streamed image and the ECDSA P-256 check of an OTA signature: DER
 * over the SHA-256 of the whole app image file, exactly what `openssl dgst -sha256 -sign key.pem` writes.
 */
#include <stddef.h>
#include <stdint.h>

#include "mbedtls/sha256.h"

#include "kf_err.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_SHA256_LEN 32
/** Largest DER encoding of an ECDSA P-256 signature (two 33-byte INTEGERs in a SEQUENCE). */
#define KF_ECDSA_P256_SIG_MAX 72

typedef struct {
    mbedtls_sha256_context ctx;
} kf_sha256_t;

void kf_sha256_begin(kf_sha256_t *h);
void kf_sha256_update(kf_sha256_t *h, const void *data, size_t len);
/** Writes the digest and releases the context. */
void kf_sha256_finish(kf_sha256_t *h, uint8_t digest[KF_SHA256_LEN]);
/** Releases a context that will not be finished. */
void kf_sha256_drop(kf_sha256_t *h);

/**
 * Checks a DER ECDSA signature over `digest` with a P-256 key given as DER SubjectPublicKeyInfo.
 * KF_OK: valid; KF_ERR_VERIFY: the signature does not match; KF_ERR_INVALID_ARG: the key is not a P-256 key.
 */
kf_err_t kf_verify_signature(const uint8_t *spki_der, size_t spki_len, const uint8_t digest[KF_SHA256_LEN],
                             const uint8_t *sig, size_t sig_len);

/** Decodes standard base64 (with padding); KF_ERR_INVALID_ARG for bad text, KF_ERR_TOO_LONG if over `cap`. */
kf_err_t kf_base64_decode(const char *text, size_t text_len, uint8_t *out, size_t cap, size_t *out_len);

/** Decodes exactly 2*len hex digits (either case); KF_ERR_INVALID_ARG otherwise. */
kf_err_t kf_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t len);

/** Writes 2*len lower-case hex digits and a NUL into `out` (size >= 2*len+1). */
void kf_hex_encode(const uint8_t *in, size_t len, char *out);

#ifdef __cplusplus
}
#endif
