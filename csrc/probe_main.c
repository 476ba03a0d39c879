/* connerr C probe: a standalone program that reports what this build of csrc/ sees.
 *
 * tools/cross.py cross-compiles it with zig for foreign targets and runs it natively, under
 * qemu-user or under Wine. It prints ONE JSON object on stdout:
 *
 *   {"source": "c-probe", "os": ..., "arch": ..., "libc": ...,
 *    "constants": [[domain, name, value], ...],
 *    "scenarios": [{"scenario": ..., "layer": "c-raw", "domain": ..., "native_code": N,
 *                   "phase": "connect"|"send"|"receive"|"eof"|null}, ...]}
 *
 * The scenarios run on loopback, in-process and without threads; the raw socket calls come from
 * native.c (included below, so its static helpers are reachable and it is compiled exactly as the
 * extension compiles it). Exit status 0 once the JSON is printed, 2 if loopback is unusable.
 */
#if defined(__wasi__) && !defined(_GNU_SOURCE)
/* connerr.h defines _GNU_SOURCE on Linux; the data's WASI rows were read with it too
 * (tools/gen_codes.py), so the WASI header check sees the same names. */
#define _GNU_SOURCE 1
#endif
#include "native.c"

#if !defined(_WIN32) && !defined(__wasi__)
#define PROBE_HAS_SIGPIPE 1
#include <signal.h>
#endif

#define PROBE_HOST "127.0.0.1"
#define PROBE_TIMEOUT_MS 5000 /* Windows retries a refused SYN for ~2 s before it gives up */

/* Domain of socket-call codes: errno, or Winsock's WSAGetLastError. */
#ifdef _WIN32
#define PROBE_SOCKET_DOMAIN "winsock"
typedef int probe_socklen;
#else
#define PROBE_SOCKET_DOMAIN "errno"
typedef socklen_t probe_socklen;
#endif

typedef struct {
    const char *scenario;
    const char *domain;
    int code;
    const char *phase; /* NULL prints as JSON null */
    int has_so_error;  /* refused only: the code the non-blocking path read from SO_ERROR */
    int so_error_code;
} probe_result;

static const char *phase_name(int phase)
{
    switch (phase) {
    case 1: return "connect";
    case 2: return "send";
    case 3: return "receive";
    case 4: return "eof";
    default: return NULL;
    }
}

/* A TCP socket bound to 127.0.0.1 on a free port, listening or not; 0 or a native code. */
static int probe_listener(int listening, connerr_socket *out, int *port)
{
    struct sockaddr_in addr;
    probe_socklen len = (probe_socklen)sizeof(addr);
    connerr_socket s = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (s == CONNERR_INVALID_SOCKET)
        return connerr_last_socket_error();
    memset(&addr, 0, sizeof(addr));
    addr.sin_family = AF_INET;
    addr.sin_port = 0;
    inet_pton(AF_INET, PROBE_HOST, &addr.sin_addr);
    if (bind(s, (struct sockaddr *)&addr, (probe_socklen)sizeof(addr)) != 0
        || getsockname(s, (struct sockaddr *)&addr, &len) != 0
        || (listening && listen(s, 4) != 0)) {
        int rc = connerr_last_socket_error();
        connerr_close_socket(s);
        return rc;
    }
    *out = s;
    *port = ntohs(addr.sin_port);
    return 0;
}

/* Connect to a port that is bound but not listening, twice: a blocking connect() whose code is the
 * call's own error, and connerr_raw_connect (non-blocking; the code comes from SO_ERROR). */
static int scenario_refused(probe_result *r)
{
    struct sockaddr_storage addr;
    int addrlen = 0;
    connerr_socket s, client;
    int port;
    int rc = probe_listener(0, &s, &port);
    r->scenario = "refused";
    r->domain = PROBE_SOCKET_DOMAIN;
    r->phase = "connect";
    if (rc != 0)
        return rc;
    parse_address(PROBE_HOST, port, &addr, &addrlen);
    client = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP);
    if (client == CONNERR_INVALID_SOCKET) {
        rc = connerr_last_socket_error();
        connerr_close_socket(s);
        return rc;
    }
    r->code = connect(client, (struct sockaddr *)&addr, addrlen) == 0 ? 0 : connerr_last_socket_error();
    connerr_close_socket(client);
    r->so_error_code = connerr_raw_connect(PROBE_HOST, port, PROBE_TIMEOUT_MS);
    r->has_so_error = 1;
    connerr_close_socket(s);
    return 0;
}

/* Bind a second socket (no SO_REUSEADDR) to a port that another socket listens on. */
static int scenario_address_in_use(probe_result *r)
{
    connerr_socket s;
    int port;
    int rc = probe_listener(1, &s, &port);
    r->scenario = "address_in_use";
    r->domain = PROBE_SOCKET_DOMAIN;
    r->phase = NULL;
    if (rc != 0)
        return rc;
    r->code = connerr_raw_bind(PROBE_HOST, port);
    connerr_close_socket(s);
    return 0;
}

/* Non-blocking connect, accept, SO_LINGER {1, 0} and close on the server side: the client's
 * recv gets the reset. A send after that is the broken-pipe case (written to *broken). */
static int scenario_reset(probe_result *r, probe_result *broken)
{
    connerr_socket listener, client, server;
    struct linger abortive;
    char buf[64];
    int port, got, phase = 1;
    int rc = probe_listener(1, &listener, &port);
    r->scenario = "reset";
    r->domain = PROBE_SOCKET_DOMAIN;
    broken->scenario = NULL;
    if (rc != 0)
        return rc;
    /* open_connected (native.c): non-blocking connect, then blocking with SO_RCVTIMEO/SO_SNDTIMEO */
    rc = open_connected(PROBE_HOST, port, PROBE_TIMEOUT_MS, &client);
    if (rc != 0) {
        r->code = rc;
        r->phase = phase_name(phase);
        connerr_close_socket(listener);
        return 0;
    }
    server = accept(listener, NULL, NULL);
    connerr_close_socket(listener);
    if (server == CONNERR_INVALID_SOCKET) {
        rc = connerr_last_socket_error();
        connerr_close_socket(client);
        return rc;
    }
    abortive.l_onoff = 1;
    abortive.l_linger = 0;
    setsockopt(server, SOL_SOCKET, SO_LINGER, (const char *)&abortive, (probe_socklen)sizeof(abortive));
    connerr_close_socket(server);

    phase = 3;
    got = (int)recv(client, buf, (int)sizeof(buf), 0);
    if (got > 0) {
        rc = -1; /* data nobody sent: report it as an impossible code */
    } else if (got == 0) {
        phase = 4;
        rc = 0;
    } else {
        rc = connerr_last_socket_error();
    }
    r->code = rc;
    r->phase = phase_name(phase);
    if (got < 0) {
        broken->scenario = "broken_pipe";
        broken->domain = PROBE_SOCKET_DOMAIN;
        broken->phase = "send";
        broken->code = send(client, "x", 1, CONNERR_SEND_FLAGS) < 0 ? connerr_last_socket_error() : 0;
    }
    connerr_close_socket(client);
    return 0;
}

/* getaddrinfo with AI_NUMERICHOST on a name: EAI_NONAME without any DNS traffic. */
static int scenario_name_not_found(probe_result *r)
{
    r->scenario = "name_not_found";
    r->domain = "eai";
    r->phase = NULL;
    r->code = connerr_raw_resolve("no-such-host.invalid");
    return 0;
}

static void print_json(const probe_result *results, size_t count)
{
    size_t i;
    printf("{\"source\": \"c-probe\", \"os\": \"%s\", \"arch\": \"%s\", \"libc\": \"%s\",\n",
           connerr_os(), connerr_arch(), connerr_libc());
    printf(" \"constants\": [");
    for (i = 0; i < connerr_const_count(); i++) {
        const connerr_const *c = connerr_const_at(i);
        printf("%s\n  [\"%s\", \"%s\", %lld]", i ? "," : "", c->domain, c->name, c->value);
    }
    printf("],\n \"scenarios\": [");
    for (i = 0; i < count; i++) {
        const probe_result *r = &results[i];
        printf("%s\n  {\"scenario\": \"%s\", \"layer\": \"c-raw\", \"domain\": \"%s\", "
               "\"native_code\": %d, \"phase\": ",
               i ? "," : "", r->scenario, r->domain, r->code);
        if (r->phase)
            printf("\"%s\"", r->phase);
        else
            printf("null");
        if (r->has_so_error)
            printf(", \"so_error_code\": %d", r->so_error_code);
        printf("}");
    }
    printf("]}\n");
}

#if defined(_WIN32) && defined(CONNERR_PROBE_NO_CRT)
/* tools/cross.py links the Windows probe with -nostdlib against ucrtbase.dll, ws2_32.dll and
 * kernel32.dll import libraries only: building mingw-w64's CRT costs zig ~3 CPU-minutes cold.
 * What mingw's CRT would have supplied is here: the entry point, __main (static constructors:
 * none), printf/fprintf (mingw wraps UCRT's __stdio_common_vfprintf) and the ___chkstk_ms probe. */
#include <stdarg.h>

int __cdecl __stdio_common_vfprintf(unsigned __int64 options, FILE *stream, const char *format,
                                    _locale_t locale, va_list args);

int __cdecl printf(const char *__restrict__ format, ...)
{
    va_list args;
    int n;
    va_start(args, format);
    n = __stdio_common_vfprintf(0, stdout, format, NULL, args);
    va_end(args);
    return n;
}

int __cdecl fprintf(FILE *__restrict__ stream, const char *__restrict__ format, ...)
{
    va_list args;
    int n;
    va_start(args, format);
    n = __stdio_common_vfprintf(0, stream, format, NULL, args);
    va_end(args);
    return n;
}

void __main(void) {}

int main(void);

void probe_start(void) { ExitProcess((UINT)main()); }

/* Stack probe for frames over 4 KiB (as libgcc's): touch every page on the way down. */
__asm__(".globl ___chkstk_ms\n"
        "___chkstk_ms:\n"
        "    pushq %rcx\n"
        "    pushq %rax\n"
        "    cmpq $0x1000, %rax\n"
        "    leaq 24(%rsp), %rcx\n"
        "    jb 1f\n"
        "2:  subq $0x1000, %rcx\n"
        "    orq $0, (%rcx)\n"
        "    subq $0x1000, %rax\n"
        "    cmpq $0x1000, %rax\n"
        "    ja 2b\n"
        "1:  subq %rax, %rcx\n"
        "    orq $0, (%rcx)\n"
        "    popq %rax\n"
        "    popq %rcx\n"
        "    ret\n");
#endif

int main(void)
{
    probe_result results[5];
    probe_result broken;
    size_t count = 0;
    int rc;
    memset(results, 0, sizeof(results));
    memset(&broken, 0, sizeof(broken));
#ifdef PROBE_HAS_SIGPIPE
    signal(SIGPIPE, SIG_IGN); /* belt and braces: MSG_NOSIGNAL / SO_NOSIGPIPE already ask for EPIPE */
#endif
    if ((rc = ensure_winsock()) != 0) {
        fprintf(stderr, "probe: WSAStartup failed: %d\n", rc);
        return 2;
    }
    rc = scenario_refused(&results[count++]);
    if (rc == 0)
        rc = scenario_reset(&results[count++], &broken);
    if (rc == 0)
        rc = scenario_address_in_use(&results[count++]);
    if (rc == 0)
        rc = scenario_name_not_found(&results[count++]);
    if (rc != 0) {
        fprintf(stderr, "probe: loopback setup failed with native code %d\n", rc);
        return 2;
    }
    if (broken.scenario != NULL)
        results[count++] = broken;
    print_json(results, count);
    return fflush(stdout) == 0 ? 0 : 2;
}
