#include "kf_verify.h"

#include <string.h>

#include "mbedtls/base64.h"
#include "mbedtls/md.h"
#include "mbedtls/pk.h"
#include "mbedtls/version.h"

#include "kf_config.h"

/* mbedTLS 3 (ESP-IDF v5) dropped the _ret suffix that mbedTLS 2.28 (Debian bookworm) still needs. */
#if MBEDTLS_VERSION_NUMBER >= 0x03000000
#define SHA256_STARTS mbedtls_sha256_starts
#define SHA256_UPDATE mbedtls_sha256_update
#define SHA256_FINISH mbedtls_sha256_finish
#else
#define SHA256_STARTS mbedtls_sha256_starts_ret
#define SHA256_UPDATE mbedtls_sha256_update_ret
#define SHA256_FINISH mbedtls_sha256_finish_ret
#endif

void kf_sha256_begin(kf_sha256_t *h)
{
    mbedtls_sha256_init(&h->ctx);
    (void)SHA256_STARTS(&h->ctx, 0);
}

void kf_sha256_update(kf_sha256_t *h, const void *data, size_t len)
{
    (void)SHA256_UPDATE(&h->ctx, data, len);
}

void kf_sha256_finish(kf_sha256_t *h, uint8_t digest[KF_SHA256_LEN])
{
    (void)SHA256_FINISH(&h->ctx, digest);
    mbedtls_sha256_free(&h->ctx);
}

void kf_sha256_drop(kf_sha256_t *h)
{
    mbedtls_sha256_free(&h->ctx);
}

kf_err_t kf_verify_signature(const uint8_t *spki_der, size_t spki_len, const uint8_t digest[KF_SHA256_LEN],
                             const uint8_t *sig, size_t sig_len)
{
    if (!kf_config_p256_spki_valid(spki_der, spki_len) || digest == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    if (sig == NULL || sig_len == 0 || sig_len > KF_ECDSA_P256_SIG_MAX) {
        return KF_ERR_VERIFY;
    }
    mbedtls_pk_context pk;
    mbedtls_pk_init(&pk);
    kf_err_t result = KF_ERR_VERIFY;
    if (mbedtls_pk_parse_public_key(&pk, spki_der, spki_len) != 0 || !mbedtls_pk_can_do(&pk, MBEDTLS_PK_ECDSA)) {
        result = KF_ERR_INVALID_ARG;
    } else if (mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, digest, KF_SHA256_LEN, sig, sig_len) == 0) {
        result = KF_OK;
    }
    mbedtls_pk_free(&pk);
    return result;
}

kf_err_t kf_base64_decode(const char *text, size_t text_len, uint8_t *out, size_t cap, size_t *out_len)
{
    if (text == NULL || out == NULL || out_len == NULL || text_len == 0) {
        return KF_ERR_INVALID_ARG;
    }
    size_t needed = 0;
    int rc = mbedtls_base64_decode(NULL, 0, &needed, (const unsigned char *)text, text_len);
    if (rc == MBEDTLS_ERR_BASE64_INVALID_CHARACTER) {
        return KF_ERR_INVALID_ARG;
    }
    if (needed > cap) {
        return KF_ERR_TOO_LONG;
    }
    rc = mbedtls_base64_decode(out, cap, out_len, (const unsigned char *)text, text_len);
    return rc == 0 ? KF_OK : KF_ERR_INVALID_ARG;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

kf_err_t kf_hex_decode(const char *hex, size_t hex_len, uint8_t *out, size_t len)
{
    if (hex == NULL || out == NULL || hex_len != 2 * len) {
        return KF_ERR_INVALID_ARG;
    }
    for (size_t i = 0; i < len; i++) {
        int hi = hex_value(hex[2 * i]);
        int lo = hex_value(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            return KF_ERR_INVALID_ARG;
        }
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return KF_OK;
}

void kf_hex_encode(const uint8_t *in, size_t len, char *out)
{
    static const char DIGITS[] = "0123456789abcdef";
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = DIGITS[in[i] >> 4];
        out[2 * i + 1] = DIGITS[in[i] & 0x0F];
    }
    out[2 * len] = '\0';
}
