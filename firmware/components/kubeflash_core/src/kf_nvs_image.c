#include "kf_nvs_image.h"

#include <string.h>

#include "kf_crc32.h"

#define PAGE_STATE_EMPTY 0xFFFFFFFFu
#define PAGE_STATE_ACTIVE 0xFFFFFFFEu
#define PAGE_STATE_FULL 0xFFFFFFFCu
#define PAGE_STATE_FREEING 0xFFFFFFF8u

#define ENTRY_STATE_EMPTY 3u
#define ENTRY_STATE_WRITTEN 2u

#define TYPE_BLOB_V1 0x41u
#define TYPE_BLOB_DATA 0x42u
#define TYPE_BLOB_IDX 0x48u
#define CHUNK_ANY 0xFFu
#define KEY_FIELD 16u

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint16_t le16(const uint8_t *p)
{
    return (uint16_t)(p[0] | (p[1] << 8));
}

static const uint8_t *page_at(const kf_nvs_image_t *img, size_t order)
{
    return img->data + (size_t)img->page_order[order] * KF_NVS_PAGE_SIZE;
}

static unsigned entry_state(const uint8_t *page, size_t i)
{
    return (page[32 + (i >> 2)] >> ((i & 3u) * 2u)) & 3u;
}

static const uint8_t *entry_at(const uint8_t *page, size_t i)
{
    return page + 64 + i * KF_NVS_ENTRY_SIZE;
}

static bool is_variable_length(uint8_t type)
{
    return type == KF_KV_STR || type == TYPE_BLOB_V1 || type == TYPE_BLOB_DATA;
}

static bool entry_header_ok(const uint8_t *e)
{
    uint32_t crc = kf_crc32_le(0xFFFFFFFFu, e, 4);
    crc = kf_crc32_le(crc, e + 8, 24);
    return crc == le32(e + 4);
}

/* Visits the written, CRC-correct items of all pages in order; stops when `visit` returns true. */
typedef bool (*item_visitor_t)(const uint8_t *item, const uint8_t *payload, void *arg);

static void walk_items(kf_nvs_image_t *img, item_visitor_t visit, void *arg, bool count_bad)
{
    for (size_t p = 0; p < img->page_count; p++) {
        const uint8_t *page = page_at(img, p);
        size_t i = 0;
        while (i < KF_NVS_ENTRIES_PER_PAGE) {
            if (entry_state(page, i) != ENTRY_STATE_WRITTEN) {
                i++;
                continue;
            }
            const uint8_t *e = entry_at(page, i);
            uint8_t span = e[2];
            if (!entry_header_ok(e) || span == 0 || i + span > KF_NVS_ENTRIES_PER_PAGE) {
                if (count_bad) {
                    img->bad_entries++;
                }
                i++;
                continue;
            }
            const uint8_t *payload = e + KF_NVS_ENTRY_SIZE;
            if (is_variable_length(e[1])) {
                uint16_t size = le16(e + 24);
                if ((size_t)size > (size_t)(span - 1) * KF_NVS_ENTRY_SIZE ||
                    kf_crc32_le(0xFFFFFFFFu, payload, size) != le32(e + 28)) {
                    if (count_bad) {
                        img->bad_entries++;
                    }
                    i += span;
                    continue;
                }
            }
            if (visit != NULL && visit(e, payload, arg)) {
                return;
            }
            i += span;
        }
    }
}

kf_err_t kf_nvs_image_open(kf_nvs_image_t *img, const uint8_t *data, size_t size)
{
    if (img == NULL || data == NULL || size == 0 || size % KF_NVS_PAGE_SIZE != 0 ||
        size / KF_NVS_PAGE_SIZE > KF_NVS_MAX_PAGES) {
        return KF_ERR_INVALID_ARG;
    }
    memset(img, 0, sizeof(*img));
    img->data = data;
    img->size = size;
    uint32_t seqs[KF_NVS_MAX_PAGES];
    size_t pages = size / KF_NVS_PAGE_SIZE;
    for (size_t n = 0; n < pages; n++) {
        const uint8_t *page = data + n * KF_NVS_PAGE_SIZE;
        uint32_t state = le32(page);
        if (state == PAGE_STATE_EMPTY) {
            continue;
        }
        if (state != PAGE_STATE_ACTIVE && state != PAGE_STATE_FULL && state != PAGE_STATE_FREEING) {
            img->corrupt_pages++;
            continue;
        }
        if (kf_crc32_le(0xFFFFFFFFu, page + 4, 24) != le32(page + 28)) {
            img->corrupt_pages++;
            continue;
        }
        /* insertion sort by sequence number */
        uint32_t seq = le32(page + 4);
        size_t at = img->page_count;
        while (at > 0 && seqs[at - 1] > seq) {
            seqs[at] = seqs[at - 1];
            img->page_order[at] = img->page_order[at - 1];
            at--;
        }
        seqs[at] = seq;
        img->page_order[at] = (uint16_t)n;
        img->page_count++;
    }
    walk_items(img, NULL, NULL, true);
    return KF_OK;
}

static bool key_matches(const uint8_t *e, const char *key)
{
    size_t n = strlen(key);
    return n < KEY_FIELD && memcmp(e + 8, key, n) == 0 && e[8 + n] == '\0';
}

typedef struct {
    const char *name;
    uint8_t index;
    bool found;
} ns_search_t;

static bool visit_namespace(const uint8_t *e, const uint8_t *payload, void *arg)
{
    (void)payload;
    ns_search_t *s = arg;
    if (e[0] == 0 && e[1] == KF_KV_U8 && key_matches(e, s->name)) {
        s->index = e[24];
        s->found = true;
        return true;
    }
    return false;
}

kf_err_t kf_nvs_image_namespace(const kf_nvs_image_t *img, const char *ns, uint8_t *index)
{
    if (img == NULL || ns == NULL || index == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    ns_search_t s = {.name = ns};
    walk_items((kf_nvs_image_t *)img, visit_namespace, &s, false);
    if (!s.found || s.index == 0 || s.index == 0xFF) {
        return KF_ERR_NOT_FOUND;
    }
    *index = s.index;
    return KF_OK;
}

/* One search pass: the first item of `key` in `ns` (any type but BLOB_DATA), or one BLOB_DATA chunk. */
typedef struct {
    uint8_t ns;
    const char *key;
    bool want_chunk;
    uint8_t chunk;
    const uint8_t *item;
    const uint8_t *payload;
} item_search_t;

static bool visit_item(const uint8_t *e, const uint8_t *payload, void *arg)
{
    item_search_t *s = arg;
    if (e[0] != s->ns || !key_matches(e, s->key)) {
        return false;
    }
    bool is_chunk = e[1] == TYPE_BLOB_DATA;
    if (s->want_chunk != is_chunk || (is_chunk && e[3] != s->chunk)) {
        return false;
    }
    s->item = e;
    s->payload = payload;
    return true;
}

static kf_err_t find_item(const kf_nvs_image_t *img, uint8_t ns, const char *key, item_search_t *s)
{
    if (img == NULL || key == NULL || ns == 0 || ns == 0xFF) {
        return KF_ERR_INVALID_ARG;
    }
    memset(s, 0, sizeof(*s));
    s->ns = ns;
    s->key = key;
    walk_items((kf_nvs_image_t *)img, visit_item, s, false);
    return s->item != NULL ? KF_OK : KF_ERR_NOT_FOUND;
}

static kf_err_t find_chunk(const kf_nvs_image_t *img, uint8_t ns, const char *key, uint8_t chunk,
                           item_search_t *s)
{
    memset(s, 0, sizeof(*s));
    s->ns = ns;
    s->key = key;
    s->want_chunk = true;
    s->chunk = chunk;
    walk_items((kf_nvs_image_t *)img, visit_item, s, false);
    return s->item != NULL ? KF_OK : KF_ERR_CORRUPT;
}

static size_t integer_width(uint8_t type)
{
    return type & 0x0Fu;
}

static bool is_integer(uint8_t type)
{
    switch (type) {
    case KF_KV_U8: case KF_KV_I8: case KF_KV_U16: case KF_KV_I16:
    case KF_KV_U32: case KF_KV_I32: case KF_KV_U64: case KF_KV_I64:
        return true;
    default:
        return false;
    }
}

kf_err_t kf_nvs_image_find(const kf_nvs_image_t *img, uint8_t ns_index, const char *key, kf_kv_type_t *type,
                           size_t *size)
{
    item_search_t s;
    kf_err_t err = find_item(img, ns_index, key, &s);
    if (err != KF_OK) {
        return err;
    }
    uint8_t t = s.item[1];
    size_t n;
    if (is_integer(t)) {
        n = integer_width(t);
    } else if (t == KF_KV_STR || t == TYPE_BLOB_V1) {
        n = le16(s.item + 24);
        t = t == TYPE_BLOB_V1 ? KF_KV_BLOB : t;
    } else if (t == TYPE_BLOB_IDX) {
        n = le32(s.item + 24);
        t = KF_KV_BLOB;
    } else {
        return KF_ERR_CORRUPT;
    }
    if (type != NULL) {
        *type = (kf_kv_type_t)t;
    }
    if (size != NULL) {
        *size = n;
    }
    return KF_OK;
}

kf_err_t kf_nvs_image_get_num(const kf_nvs_image_t *img, uint8_t ns_index, const char *key, kf_kv_num_t *out)
{
    if (out == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    item_search_t s;
    kf_err_t err = find_item(img, ns_index, key, &s);
    if (err != KF_OK) {
        return err;
    }
    uint8_t t = s.item[1];
    if (!is_integer(t)) {
        return KF_ERR_TYPE;
    }
    size_t width = integer_width(t);
    uint64_t raw = 0;
    for (size_t b = 0; b < width; b++) {
        raw |= (uint64_t)s.item[24 + b] << (8 * b);
    }
    out->type = (kf_kv_type_t)t;
    if (t & 0x10u) {
        unsigned shift = (unsigned)(64 - 8 * width);
        out->v.i = (int64_t)(raw << shift) >> shift;
    } else {
        out->v.u = raw;
    }
    return KF_OK;
}

kf_err_t kf_nvs_image_get_bytes(const kf_nvs_image_t *img, uint8_t ns_index, const char *key, void *buf,
                                size_t *len)
{
    if (len == NULL || (buf == NULL && *len != 0)) {
        return KF_ERR_INVALID_ARG;
    }
    item_search_t s;
    kf_err_t err = find_item(img, ns_index, key, &s);
    if (err != KF_OK) {
        return err;
    }
    uint8_t t = s.item[1];
    if (t == KF_KV_STR || t == TYPE_BLOB_V1) {
        size_t n = le16(s.item + 24);
        if (n > *len) {
            *len = n;
            return KF_ERR_TOO_LONG;
        }
        memcpy(buf, s.payload, n);
        *len = n;
        return KF_OK;
    }
    if (t != TYPE_BLOB_IDX) {
        return KF_ERR_TYPE;
    }
    size_t total = le32(s.item + 24);
    uint8_t chunks = s.item[28];
    uint8_t start = s.item[29];
    if (total > *len) {
        *len = total;
        return KF_ERR_TOO_LONG;
    }
    size_t done = 0;
    for (uint8_t c = 0; c < chunks; c++) {
        item_search_t chunk;
        if (find_chunk(img, ns_index, key, (uint8_t)(start + c), &chunk) != KF_OK) {
            return KF_ERR_CORRUPT;
        }
        size_t n = le16(chunk.item + 24);
        if (done + n > total) {
            return KF_ERR_CORRUPT;
        }
        memcpy((uint8_t *)buf + done, chunk.payload, n);
        done += n;
    }
    if (done != total) {
        return KF_ERR_CORRUPT;
    }
    *len = total;
    return KF_OK;
}

static kf_err_t kv_find(void *ctx, const char *key, kf_kv_type_t *type, size_t *size)
{
    const kf_nvs_image_ns_t *b = ctx;
    return kf_nvs_image_find(b->img, b->ns_index, key, type, size);
}

static kf_err_t kv_get_num(void *ctx, const char *key, kf_kv_num_t *out)
{
    const kf_nvs_image_ns_t *b = ctx;
    return kf_nvs_image_get_num(b->img, b->ns_index, key, out);
}

static kf_err_t kv_get_bytes(void *ctx, const char *key, void *buf, size_t *len)
{
    const kf_nvs_image_ns_t *b = ctx;
    return kf_nvs_image_get_bytes(b->img, b->ns_index, key, buf, len);
}

kf_err_t kf_nvs_image_kv(const kf_nvs_image_t *img, const char *ns, kf_nvs_image_ns_t *binding, kf_kv_t *kv)
{
    if (img == NULL || ns == NULL || binding == NULL || kv == NULL) {
        return KF_ERR_INVALID_ARG;
    }
    uint8_t index;
    kf_err_t err = kf_nvs_image_namespace(img, ns, &index);
    if (err != KF_OK) {
        return err;
    }
    binding->img = img;
    binding->ns_index = index;
    memset(kv, 0, sizeof(*kv));
    kv->ctx = binding;
    kv->find = kv_find;
    kv->get_num = kv_get_num;
    kv->get_bytes = kv_get_bytes;
    return KF_OK;
}
