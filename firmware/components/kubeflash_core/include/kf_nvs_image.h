#pragma once
/*
 * Portable core: no ESP-IDF includes. A minimal reader of NVS partition images (format version 1 and 2), as
 * ESP-IDF's nvs_flash and kubeflash's NVS writer lay them out: 4096-byte pages of a 32-byte header, a 32-byte
 * entry-state bitmap and 126 entries of 32 bytes. It reads plaintext images; an encrypted image has to be
 * decrypted entry by entry first. The device itself reads its config through nvs_flash; this reader lets the
 * same config model run on real images in host tests and tools.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kf_err.h"
#include "kf_port.h"

#ifdef __cplusplus
extern "C" {
#endif

#define KF_NVS_PAGE_SIZE 4096u
#define KF_NVS_ENTRY_SIZE 32u
#define KF_NVS_ENTRIES_PER_PAGE 126u
/** Largest image the reader accepts (64 pages = 256 KiB). */
#define KF_NVS_MAX_PAGES 64u

typedef struct {
    const uint8_t *data;
    size_t size;
    /** Pages holding data (ACTIVE or FULL, header CRC correct), in sequence-number order. */
    uint16_t page_order[KF_NVS_MAX_PAGES];
    size_t page_count;
    /** Pages whose state says they hold data but whose header CRC is wrong, or marked CORRUPT. */
    size_t corrupt_pages;
    /** Written entries whose header or data CRC is wrong (skipped, as nvs_flash does). */
    size_t bad_entries;
} kf_nvs_image_t;

/**
 * Checks the page headers of `data` (which must outlive `img`) and orders the pages.
 * KF_ERR_INVALID_ARG: size is zero, not a multiple of 4096 or over KF_NVS_MAX_PAGES pages.
 * An erased image (all pages empty) opens fine and holds nothing.
 */
kf_err_t kf_nvs_image_open(kf_nvs_image_t *img, const uint8_t *data, size_t size);

/** Index of a namespace (1..254), or KF_ERR_NOT_FOUND. */
kf_err_t kf_nvs_image_namespace(const kf_nvs_image_t *img, const char *ns, uint8_t *index);

/** Type and size of a key in a namespace (see kf_kv_t.find). Blobs report KF_KV_BLOB in both versions. */
kf_err_t kf_nvs_image_find(const kf_nvs_image_t *img, uint8_t ns_index, const char *key, kf_kv_type_t *type,
                           size_t *size);

/** Integer value (see kf_kv_t.get_num). */
kf_err_t kf_nvs_image_get_num(const kf_nvs_image_t *img, uint8_t ns_index, const char *key, kf_kv_num_t *out);

/** String (with its NUL) or blob bytes (see kf_kv_t.get_bytes); KF_ERR_TOO_LONG if `*len` is too small. */
kf_err_t kf_nvs_image_get_bytes(const kf_nvs_image_t *img, uint8_t ns_index, const char *key, void *buf,
                                size_t *len);

/** Binding of one namespace of an image, to be used as a read-only kf_kv_t. */
typedef struct {
    const kf_nvs_image_t *img;
    uint8_t ns_index;
} kf_nvs_image_ns_t;

/**
 * Fills `kv` with read-only access to namespace `ns` of `img`; `binding` is the context and must outlive `kv`.
 * KF_ERR_NOT_FOUND when the namespace does not exist.
 */
kf_err_t kf_nvs_image_kv(const kf_nvs_image_t *img, const char *ns, kf_nvs_image_ns_t *binding, kf_kv_t *kv);

#ifdef __cplusplus
}
#endif
