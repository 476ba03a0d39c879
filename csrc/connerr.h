/* Portability layer for the connerr C extension: one place for OS differences. */
#ifndef CONNERR_H
#define CONNERR_H

/* glibc shows EAI_ADDRFAMILY, EAI_NODATA, EAI_INPROGRESS... only with _GNU_SOURCE (netdb.h __USE_GNU);
 * it also selects the GNU strerror_r, which native.c handles. */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#  define _GNU_SOURCE
#endif

#include <stddef.h>

#ifdef _WIN32
#  ifndef WIN32_LEAN_AND_MEAN
#    define WIN32_LEAN_AND_MEAN
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#  include <windows.h>
#  include <errno.h>
typedef SOCKET connerr_socket;
#  define CONNERR_INVALID_SOCKET INVALID_SOCKET
#  define connerr_close_socket closesocket
#else
#  include <errno.h>
#  include <netdb.h>
#  include <sys/types.h>
#  include <sys/time.h>
#  include <sys/socket.h>
#  include <netinet/in.h>
#  include <arpa/inet.h>
#  include <unistd.h>
#  include <fcntl.h>
#  include <poll.h>
typedef int connerr_socket;
#  define CONNERR_INVALID_SOCKET (-1)
#  define connerr_close_socket close
#endif

/* The OS this binary was compiled for, from the compiler's predefined macros (the names of
 * connerr/platforms.py's registry: its `os` column). */
#if defined(__APPLE__)
#  include <TargetConditionals.h>
#endif
#if defined(__CYGWIN__)
#  define CONNERR_OS "cygwin"
#elif defined(_WIN32)
#  define CONNERR_OS "windows"
#elif defined(__APPLE__) && defined(TARGET_OS_IOS) && TARGET_OS_IOS
#  define CONNERR_OS "ios"
#elif defined(__APPLE__)
#  define CONNERR_OS "darwin"
#elif defined(__FreeBSD__)
#  define CONNERR_OS "freebsd"
#elif defined(__NetBSD__)
#  define CONNERR_OS "netbsd"
#elif defined(__OpenBSD__)
#  define CONNERR_OS "openbsd"
#elif defined(__DragonFly__)
#  define CONNERR_OS "dragonfly"
#elif defined(__EMSCRIPTEN__)
#  define CONNERR_OS "emscripten"
#elif defined(__wasi__)
#  define CONNERR_OS "wasi"
#elif defined(__ANDROID__)
#  define CONNERR_OS "android"
#elif defined(__linux__)
#  define CONNERR_OS "linux"
#elif defined(__illumos__)
#  define CONNERR_OS "illumos"
#elif defined(__sun)
#  define CONNERR_OS "solaris"
#elif defined(_AIX)
#  define CONNERR_OS "aix"
#elif defined(__HAIKU__)
#  define CONNERR_OS "haiku"
#elif defined(__GNU__)
#  define CONNERR_OS "hurd"
#else
#  define CONNERR_OS "unknown"
#endif

/* The C library, where the compiler or headers tell it (messages differ between them). */
#if defined(_WIN32)
#  define CONNERR_LIBC "msvcrt"
#elif defined(__GLIBC__)
#  define CONNERR_LIBC "glibc"
#elif defined(__linux__) && !defined(__ANDROID__)
#  define CONNERR_LIBC "musl" /* musl defines no identifying macro on purpose */
#elif defined(__ANDROID__)
#  define CONNERR_LIBC "bionic"
#else
#  define CONNERR_LIBC "system"
#endif

#if defined(__x86_64__) || defined(_M_X64)
#  define CONNERR_ARCH "x86_64"
#elif defined(__i386__) || defined(_M_IX86)
#  define CONNERR_ARCH "x86"
#elif defined(__aarch64__) || defined(_M_ARM64)
#  define CONNERR_ARCH "aarch64"
#elif defined(__arm__) || defined(_M_ARM)
#  define CONNERR_ARCH "arm"
#elif defined(__mips__) && defined(__LP64__)
#  define CONNERR_ARCH "mips64"
#elif defined(__mips__)
#  define CONNERR_ARCH "mips"
#elif defined(__powerpc64__)
#  define CONNERR_ARCH "powerpc64"
#elif defined(__powerpc__)
#  define CONNERR_ARCH "powerpc"
#elif defined(__sparc__)
#  define CONNERR_ARCH "sparc"
#elif defined(__s390x__)
#  define CONNERR_ARCH "s390x"
#elif defined(__riscv) && __riscv_xlen == 64
#  define CONNERR_ARCH "riscv64"
#elif defined(__wasm32__)
#  define CONNERR_ARCH "wasm32"
#else
#  define CONNERR_ARCH "unknown"
#endif

#endif /* CONNERR_H */
