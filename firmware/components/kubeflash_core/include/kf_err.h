#pragma once
/* Portable core: no ESP-IDF includes. The core's own error codes; it never aborts. */

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    KF_OK = 0,
    KF_ERR_INVALID_ARG,  /**< a caller passed NULL or an out-of-range value */
    KF_ERR_NOT_FOUND,    /**< a key, namespace, partition or route does not exist */
    KF_ERR_CORRUPT,      /**< stored data failed a CRC or structure check */
    KF_ERR_TYPE,         /**< a value exists with another type than asked for */
    KF_ERR_TOO_LONG,     /**< a value does not fit the caller's buffer or a protocol limit */
    KF_ERR_NO_MEM,       /**< an allocation failed */
    KF_ERR_BUSY,         /**< an operation of the same kind is already running */
    KF_ERR_IO,           /**< the platform failed to read, write or send */
    KF_ERR_STATE,        /**< the call is not allowed in the current state */
    KF_ERR_VERIFY,       /**< a size, digest or signature check failed */
} kf_err_t;

/** Stable lower-case name of an error code, for logs (never NULL). */
const char *kf_err_name(kf_err_t err);

#ifdef __cplusplus
}
#endif
