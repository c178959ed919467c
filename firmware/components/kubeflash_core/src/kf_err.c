#include "kf_err.h"

const char *kf_err_name(kf_err_t err)
{
    switch (err) {
    case KF_OK: return "ok";
    case KF_ERR_INVALID_ARG: return "invalid-argument";
    case KF_ERR_NOT_FOUND: return "not-found";
    case KF_ERR_CORRUPT: return "corrupt";
    case KF_ERR_TYPE: return "type-mismatch";
    case KF_ERR_TOO_LONG: return "too-long";
    case KF_ERR_NO_MEM: return "no-memory";
    case KF_ERR_BUSY: return "busy";
    case KF_ERR_IO: return "io-error";
    case KF_ERR_STATE: return "wrong-state";
    case KF_ERR_VERIFY: return "verification-failed";
    }
    return "unknown";
}
