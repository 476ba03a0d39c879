/* Public interface of connerr's C code; csrc/native.cdef mirrors it for cffi. */
#ifndef CONNERR_NATIVE_H
#define CONNERR_NATIVE_H

#include <stddef.h>

typedef struct {
    const char *domain;
    const char *name;
    long long value;
} connerr_const;

const char *connerr_os(void);
const char *connerr_arch(void);
const char *connerr_libc(void);

size_t connerr_const_count(void);
const connerr_const *connerr_const_at(size_t index);

int connerr_strerror(int code, char *buf, size_t len);
int connerr_gai_strerror(int code, char *buf, size_t len);
int connerr_format_message(unsigned long code, char *buf, size_t len);
int connerr_last_socket_error(void);

int connerr_raw_connect(const char *ip, int port, int timeout_ms);
int connerr_raw_bind(const char *ip, int port);
int connerr_raw_exchange(const char *ip, int port, const char *data, size_t len,
                         int timeout_ms, int *phase);
int connerr_raw_resolve(const char *host);

size_t connerr_scan_lines(const unsigned char *buf, size_t len, const unsigned char *bitmap,
                          const unsigned int *keys, const unsigned int *index, size_t nkeys,
                          const unsigned char *literals, const unsigned int *offsets,
                          const unsigned int *lengths, size_t *out, size_t *out_lines,
                          size_t max_out);

#endif /* CONNERR_NATIVE_H */
