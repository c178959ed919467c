/* The captive portal's DNS answers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kf_dns.h"

/* A query for connectivitycheck.gstatic.com, type A, class IN, id 0x1234, RD set. */
static const uint8_t QUERY_A[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                                  17,   'c',  'o',  'n',  'n',  'e',  'c',  't',  'i',  'v',  'i',  't',
                                  'y',  'c',  'h',  'e',  'c',  'k',  7,    'g',  's',  't',  'a',  't',
                                  'i',  'c',  3,    'c',  'o',  'm',  0,    0x00, 0x01, 0x00, 0x01};

static void every_a_query_gets_the_portal_address(void **state)
{
    (void)state;
    uint8_t out[512];
    size_t n;
    assert_int_equal(kf_dns_answer(QUERY_A, sizeof(QUERY_A), 0xC0A80401u, out, sizeof(out), &n), KF_OK);
    assert_int_equal(n, sizeof(QUERY_A) + 16);
    assert_int_equal(out[0], 0x12);
    assert_int_equal(out[1], 0x34);
    assert_int_equal(out[2] & 0x80, 0x80); /* a response */
    assert_int_equal(out[2] & 0x01, 0x01); /* RD kept */
    assert_int_equal(out[3] & 0x0F, 0);    /* NOERROR */
    assert_int_equal(out[7], 1);           /* one answer */
    assert_memory_equal(out + 12, QUERY_A + 12, sizeof(QUERY_A) - 12);
    const uint8_t *a = out + sizeof(QUERY_A);
    assert_int_equal(a[0], 0xC0);
    assert_int_equal(a[1], 12);
    assert_int_equal(a[11], 4);
    assert_int_equal(a[12], 192);
    assert_int_equal(a[13], 168);
    assert_int_equal(a[14], 4);
    assert_int_equal(a[15], 1);
}

static void other_types_get_an_empty_answer(void **state)
{
    (void)state;
    uint8_t q[sizeof(QUERY_A)];
    memcpy(q, QUERY_A, sizeof(q));
    q[sizeof(q) - 3] = 28; /* AAAA */
    uint8_t out[512];
    size_t n;
    assert_int_equal(kf_dns_answer(q, sizeof(q), 0xC0A80401u, out, sizeof(out), &n), KF_OK);
    assert_int_equal(n, sizeof(q));
    assert_int_equal(out[7], 0);
}

static void malformed_queries_get_nothing(void **state)
{
    (void)state;
    uint8_t out[512];
    size_t n;
    uint8_t q[sizeof(QUERY_A)];
    memcpy(q, QUERY_A, sizeof(q));
    assert_int_equal(kf_dns_answer(q, 10, 1, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    q[2] |= 0x80; /* a response, not a query */
    assert_int_equal(kf_dns_answer(q, sizeof(q), 1, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    memcpy(q, QUERY_A, sizeof(q));
    q[5] = 2; /* two questions */
    assert_int_equal(kf_dns_answer(q, sizeof(q), 1, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    memcpy(q, QUERY_A, sizeof(q));
    q[12] = 0xC0; /* compression in the question */
    assert_int_equal(kf_dns_answer(q, sizeof(q), 1, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    memcpy(q, QUERY_A, sizeof(q));
    q[12] = 60; /* a label running past the end */
    assert_int_equal(kf_dns_answer(q, sizeof(q), 1, out, sizeof(out), &n), KF_ERR_INVALID_ARG);
    assert_int_equal(kf_dns_answer(QUERY_A, sizeof(QUERY_A), 1, out, 20, &n), KF_ERR_TOO_LONG);
    assert_int_equal(kf_dns_answer(NULL, 0, 1, out, 20, &n), KF_ERR_INVALID_ARG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_a_query_gets_the_portal_address),
        cmocka_unit_test(other_types_get_an_empty_answer),
        cmocka_unit_test(malformed_queries_get_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
