/* connerr._native: the live facts of the machine this was compiled on.
 *
 * Constants come from the platform headers (csrc/constants.inc lists every name connerr knows, each
 * behind #ifdef), messages from the C library or FormatMessageW, and the raw_* calls run one socket
 * operation in C and return the native error code (errno, or WSAGetLastError on Windows) without
 * Python's socket module in between. Return values: >= 0 is a native code (0 success); < 0 means the
 * arguments were unusable (CONNERR_BAD_ARGUMENT).
 */
#include "connerr.h"
#include "native.h"

#include <stdio.h>
#include <string.h>
#ifndef _WIN32
#include <time.h>
#endif

#define CONNERR_BAD_ARGUMENT (-1)

#define CONNERR_CONST(domain, name) {#domain, #name, (long long)(name)},

static const connerr_const connerr_consts[] = {
#include "constants.inc"
    {NULL, NULL, 0}
};

const char *connerr_os(void) { return CONNERR_OS; }
const char *connerr_arch(void) { return CONNERR_ARCH; }
const char *connerr_libc(void) { return CONNERR_LIBC; }

size_t connerr_const_count(void)
{
    return sizeof(connerr_consts) / sizeof(connerr_consts[0]) - 1;
}

const connerr_const *connerr_const_at(size_t index)
{
    return index < connerr_const_count() ? &connerr_consts[index] : NULL;
}

static void copy_text(char *buf, size_t len, const char *text)
{
    if (len == 0)
        return;
    snprintf(buf, len, "%s", text ? text : "");
}

int connerr_strerror(int code, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return CONNERR_BAD_ARGUMENT;
    buf[0] = '\0';
#if defined(_WIN32)
    if (strerror_s(buf, len, code) != 0)
        return CONNERR_BAD_ARGUMENT;
#elif defined(__GLIBC__) && defined(_GNU_SOURCE)
    {
        /* GNU strerror_r returns either buf (filled) or a static string (buf untouched). */
        const char *text = strerror_r(code, buf, len);
        if (text != buf)
            copy_text(buf, len, text);
    }
#else
    /* XSI strerror_r (musl, BSD, darwin) returns 0 or an error number and fills buf. */
    if (strerror_r(code, buf, len) != 0 && buf[0] == '\0')
        snprintf(buf, len, "Unknown error %d", code);
#endif
    return 0;
}

int connerr_format_message(unsigned long code, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return CONNERR_BAD_ARGUMENT;
    buf[0] = '\0';
#ifdef _WIN32
    {
        wchar_t wide[1024];
        DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL,
                                 (DWORD)code, MAKELANGID(LANG_NEUTRAL, SUBLANG_DEFAULT), wide,
                                 (DWORD)(sizeof(wide) / sizeof(wide[0])), NULL);
        int out;
        if (n == 0)
            return (int)GetLastError();
        while (n > 0 && (wide[n - 1] == L' ' || wide[n - 1] == L'\r' || wide[n - 1] == L'\n'
                         || wide[n - 1] == L'\t'))
            n--;
        out = WideCharToMultiByte(CP_UTF8, 0, wide, (int)n, buf, (int)len - 1, NULL, NULL);
        buf[out > 0 ? out : 0] = '\0';
        return 0;
    }
#else
    (void)code;
    return CONNERR_BAD_ARGUMENT;
#endif
}

int connerr_gai_strerror(int code, char *buf, size_t len)
{
    if (buf == NULL || len == 0)
        return CONNERR_BAD_ARGUMENT;
#ifdef _WIN32
    /* Windows gai_strerror fills a static buffer (not thread-safe) from FormatMessage: call that. */
    return connerr_format_message((unsigned long)code, buf, len);
#else
    copy_text(buf, len, gai_strerror(code));
    return 0;
#endif
}

int connerr_last_socket_error(void)
{
#ifdef _WIN32
    return WSAGetLastError();
#else
    return errno;
#endif
}

#ifdef _WIN32
static int ensure_winsock(void)
{
    static int started = 0;
    WSADATA data;
    if (!started) {
        int rc = WSAStartup(MAKEWORD(2, 2), &data);
        if (rc != 0)
            return rc;
        started = 1;
    }
    return 0;
}
#define CONNERR_WOULDBLOCK WSAEWOULDBLOCK
#define CONNERR_TIMEDOUT WSAETIMEDOUT
#define CONNERR_SEND_FLAGS 0
#else
static int ensure_winsock(void) { return 0; }
#define CONNERR_WOULDBLOCK EINPROGRESS
#define CONNERR_TIMEDOUT ETIMEDOUT
#ifdef MSG_NOSIGNAL
#define CONNERR_SEND_FLAGS MSG_NOSIGNAL /* a peer reset must give EPIPE, not kill the process */
#else
#define CONNERR_SEND_FLAGS 0
#endif
#endif

/* Parse a numeric IPv4/IPv6 address; returns the family or 0 if ip is not numeric. */
static int parse_address(const char *ip, int port, struct sockaddr_storage *addr, int *addrlen)
{
    struct sockaddr_in *v4 = (struct sockaddr_in *)addr;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)addr;
    if (ip == NULL || port < 0 || port > 65535)
        return 0;
    memset(addr, 0, sizeof(*addr));
    if (inet_pton(AF_INET, ip, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((unsigned short)port);
        *addrlen = (int)sizeof(*v4);
        return AF_INET;
    }
    if (inet_pton(AF_INET6, ip, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((unsigned short)port);
        *addrlen = (int)sizeof(*v6);
        return AF_INET6;
    }
    return 0;
}

static int set_blocking(connerr_socket s, int blocking)
{
#ifdef _WIN32
    u_long mode = blocking ? 0 : 1;
    return ioctlsocket(s, FIONBIO, &mode);
#else
    int flags = fcntl(s, F_GETFL, 0);
    if (flags < 0)
        return -1;
    return fcntl(s, F_SETFL, blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK));
#endif
}

/* Milliseconds of a monotonic clock. */
static long long now_ms(void)
{
#ifdef _WIN32
    return (long long)GetTickCount64();
#else
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
}

/* SO_RCVTIMEO or SO_SNDTIMEO of s, in milliseconds. */
static void set_timeout(connerr_socket s, int option, int timeout_ms)
{
#ifdef _WIN32
    DWORD ms = (DWORD)timeout_ms;
    setsockopt(s, SOL_SOCKET, option, (const char *)&ms, sizeof(ms));
#else
    struct timeval tv;
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    setsockopt(s, SOL_SOCKET, option, &tv, sizeof(tv));
#endif
}

static void set_timeouts(connerr_socket s, int timeout_ms)
{
    set_timeout(s, SO_RCVTIMEO, timeout_ms);
    set_timeout(s, SO_SNDTIMEO, timeout_ms);
#ifdef SO_NOSIGPIPE
    {
        int one = 1;
        setsockopt(s, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof(one));
    }
#endif
}

/* Wait until a non-blocking connect finishes; returns its native code. */
static int finish_connect(connerr_socket s, int timeout_ms)
{
    int err = 0;
    int ready;
#ifdef _WIN32
    int errlen = (int)sizeof(err);
    fd_set writable, failed;
    struct timeval tv;
    FD_ZERO(&writable);
    FD_ZERO(&failed);
    FD_SET(s, &writable);
    FD_SET(s, &failed);
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
    ready = select(0, NULL, &writable, &failed, &tv);
    if (ready == SOCKET_ERROR)
        return WSAGetLastError();
#else
    socklen_t errlen = (socklen_t)sizeof(err);
    struct pollfd pfd;
    pfd.fd = s;
    pfd.events = POLLOUT;
    pfd.revents = 0;
    do {
        ready = poll(&pfd, 1, timeout_ms);
    } while (ready < 0 && errno == EINTR);
    if (ready < 0)
        return errno;
#endif
    if (ready == 0)
        return CONNERR_TIMEDOUT;
    if (getsockopt(s, SOL_SOCKET, SO_ERROR, (char *)&err, &errlen) != 0)
        return connerr_last_socket_error();
    return err;
}

/* Parse ip/port and open a TCP socket for it; on success *out holds the socket and 0 is returned. */
static int open_socket(const char *ip, int port, struct sockaddr_storage *addr, int *addrlen,
                       connerr_socket *out)
{
    int family = parse_address(ip, port, addr, addrlen);
    int rc;
    if (family == 0)
        return CONNERR_BAD_ARGUMENT;
    if ((rc = ensure_winsock()) != 0)
        return rc;
    *out = socket(family, SOCK_STREAM, IPPROTO_TCP);
    return *out == CONNERR_INVALID_SOCKET ? connerr_last_socket_error() : 0;
}

/* Open a socket and connect it; on success *out holds it and 0 is returned. */
static int open_connected(const char *ip, int port, int timeout_ms, connerr_socket *out)
{
    struct sockaddr_storage addr;
    int addrlen = 0;
    int rc;
    connerr_socket s;
    if (timeout_ms < 0)
        return CONNERR_BAD_ARGUMENT;
    if ((rc = open_socket(ip, port, &addr, &addrlen, &s)) != 0)
        return rc;
    set_timeouts(s, timeout_ms);
    set_blocking(s, 0);
    if (connect(s, (struct sockaddr *)&addr, addrlen) != 0) {
        rc = connerr_last_socket_error();
        if (rc == CONNERR_WOULDBLOCK)
            rc = finish_connect(s, timeout_ms);
    }
    if (rc != 0) {
        connerr_close_socket(s);
        return rc;
    }
    set_blocking(s, 1);
    *out = s;
    return 0;
}

int connerr_raw_connect(const char *ip, int port, int timeout_ms)
{
    connerr_socket s;
    int rc = open_connected(ip, port, timeout_ms, &s);
    if (rc == 0)
        connerr_close_socket(s);
    return rc;
}

int connerr_raw_bind(const char *ip, int port)
{
    struct sockaddr_storage addr;
    int addrlen = 0;
    connerr_socket s;
    int rc = open_socket(ip, port, &addr, &addrlen, &s);
    if (rc != 0)
        return rc;
    rc = bind(s, (struct sockaddr *)&addr, addrlen) == 0 ? 0 : connerr_last_socket_error();
    connerr_close_socket(s);
    return rc;
}

/* Connect, send data, then read until EOF or error. *phase says where it stopped:
 * 1 connect, 2 send, 3 receive, 4 clean end of stream (the return value is then 0). */
int connerr_raw_exchange(const char *ip, int port, const char *data, size_t len, int timeout_ms,
                         int *phase)
{
    connerr_socket s;
    char buf[4096];
    int rc;
    long long deadline;
    if (phase == NULL || (data == NULL && len > 0))
        return CONNERR_BAD_ARGUMENT;
    *phase = 1;
    rc = open_connected(ip, port, timeout_ms, &s);
    if (rc != 0)
        return rc;
    *phase = 2;
    /* one deadline for the whole send, as Python's sendall() has: each send() gets what is left */
    deadline = now_ms() + timeout_ms;
    while (len > 0) {
        int chunk = len > 65536 ? 65536 : (int)len;
        long long left = deadline - now_ms();
        int sent;
        if (left <= 0) {
            connerr_close_socket(s);
            return CONNERR_TIMEDOUT;
        }
        set_timeout(s, SO_SNDTIMEO, (int)left);
        sent = (int)send(s, data, chunk, CONNERR_SEND_FLAGS);
        if (sent < 0) {
            rc = connerr_last_socket_error();
#ifndef _WIN32
            if (rc == EAGAIN || rc == EWOULDBLOCK)
                rc = ETIMEDOUT; /* SO_SNDTIMEO expired */
#endif
            connerr_close_socket(s);
            return rc;
        }
        data += sent;
        len -= (size_t)sent;
    }
    *phase = 3;
    for (;;) {
        int got = (int)recv(s, buf, (int)sizeof(buf), 0);
        if (got > 0)
            continue;
        if (got == 0) {
            *phase = 4;
            rc = 0;
        } else {
            rc = connerr_last_socket_error();
#ifndef _WIN32
            if (rc == EAGAIN || rc == EWOULDBLOCK)
                rc = ETIMEDOUT; /* SO_RCVTIMEO expired */
#endif
        }
        break;
    }
    connerr_close_socket(s);
    return rc;
}

/* getaddrinfo with AI_NUMERICHOST: never sends DNS traffic; returns the EAI code (0 success). */
int connerr_raw_resolve(const char *host)
{
    struct addrinfo hints;
    struct addrinfo *result = NULL;
    int rc;
    if (host == NULL)
        return CONNERR_BAD_ARGUMENT;
    if ((rc = ensure_winsock()) != 0)
        return rc;
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST;
    rc = getaddrinfo(host, NULL, &hints, &result);
    if (result != NULL)
        freeaddrinfo(result);
    return rc;
}
