#include "kf_dns.h"

#include <string.h>

#define HEADER 12
#define TYPE_A 1
#define CLASS_IN 1
#define TTL_S 60

kf_err_t kf_dns_answer(const uint8_t *q, size_t len, uint32_t ip, uint8_t *out, size_t cap, size_t *out_len)
{
    if (q == NULL || out == NULL || out_len == NULL || len < HEADER + 5) {
        return KF_ERR_INVALID_ARG;
    }
    bool is_response = (q[2] & 0x80) != 0;
    unsigned opcode = (q[2] >> 3) & 0x0F;
    unsigned qdcount = (unsigned)(q[4] << 8 | q[5]);
    if (is_response || opcode != 0 || qdcount != 1) {
        return KF_ERR_INVALID_ARG;
    }
    size_t pos = HEADER;
    while (pos < len && q[pos] != 0) {
        if ((q[pos] & 0xC0) != 0 || q[pos] > 63) { /* no compression in a question */
            return KF_ERR_INVALID_ARG;
        }
        pos += (size_t)q[pos] + 1;
    }
    if (pos >= len || pos + 5 > len || pos - HEADER > 255) {
        return KF_ERR_INVALID_ARG;
    }
    size_t question_end = pos + 5; /* NUL label, QTYPE, QCLASS */
    unsigned qtype = (unsigned)(q[pos + 1] << 8 | q[pos + 2]);
    unsigned qclass = (unsigned)(q[pos + 3] << 8 | q[pos + 4]);
    bool answer = qtype == TYPE_A && qclass == CLASS_IN;
    size_t total = question_end + (answer ? 16 : 0);
    if (total > cap) {
        return KF_ERR_TOO_LONG;
    }
    memcpy(out, q, question_end);
    out[2] = (uint8_t)(0x80 | (q[2] & 0x01) | 0x04); /* QR, authoritative, keep RD */
    out[3] = 0x80;                                   /* RA, RCODE 0 */
    out[6] = 0;
    out[7] = answer ? 1 : 0; /* ANCOUNT */
    memset(out + 8, 0, 4);   /* NSCOUNT, ARCOUNT: additional records of the query are dropped */
    if (answer) {
        uint8_t *a = out + question_end;
        a[0] = 0xC0; /* name: pointer to the question */
        a[1] = HEADER;
        a[2] = 0;
        a[3] = TYPE_A;
        a[4] = 0;
        a[5] = CLASS_IN;
        a[6] = 0;
        a[7] = 0;
        a[8] = 0;
        a[9] = TTL_S;
        a[10] = 0;
        a[11] = 4;
        a[12] = (uint8_t)(ip >> 24);
        a[13] = (uint8_t)(ip >> 16);
        a[14] = (uint8_t)(ip >> 8);
        a[15] = (uint8_t)ip;
    }
    *out_len = total;
    return KF_OK;
}
