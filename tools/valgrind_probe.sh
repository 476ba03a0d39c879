#!/usr/bin/env bash
# Valgrind memcheck over connerr's C code, outside Python (CPython's allocator would drown the report):
#   1. csrc/probe_main.c (includes native.c: constants, raw connect/bind/resolve scenarios on loopback);
#   2. a message-wrapper hammer: connerr_strerror / connerr_gai_strerror / connerr_format_message from
#      8 threads, every answer compared with the single-threaded one.
# Both built with gcc -g -O0 and run with --error-exitcode=1 --leak-check=full: any error fails.
# Usage: tools/valgrind_probe.sh [valgrind-binary]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VALGRIND="${1:-${VALGRIND:-valgrind}}"
OUT="$(mktemp -d "${TMPDIR:-/tmp}/connerr-valgrind.XXXXXX")"
trap 'rm -rf "$OUT"' EXIT
VG=("$VALGRIND" --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,indirect
    --errors-for-leak-kinds=definite,indirect --track-origins=yes -q)

gcc -g -O0 -Wall -Wextra -I"$ROOT/csrc" "$ROOT/csrc/probe_main.c" -o "$OUT/probe"
"${VG[@]}" "$OUT/probe" > "$OUT/probe.json"
python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); print("probe: %d constants, %d scenarios" % (len(d["constants"]), len(d["scenarios"])))' "$OUT/probe.json"

cat > "$OUT/hammer.c" <<'C'
#include "native.c"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#define LO (-20)
#define HI 160
#define EXTRA 4
#define N (HI - LO + EXTRA)
#define THREADS 8
#define ROUNDS 20
static const int extra[EXTRA] = {10053, 10054, 11001, 99999};
static char want[3][N][512];
static int failures;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int code_at(int i) { return i < HI - LO ? LO + i : extra[i - (HI - LO)]; }

static void answer(int which, int code, char *buf, size_t len)
{
    buf[0] = '\0';
    if (which == 0) connerr_strerror(code, buf, len);
    else if (which == 1) connerr_gai_strerror(code, buf, len);
    else connerr_format_message((unsigned long)code, buf, len);
}

static void *worker(void *arg)
{
    char buf[512];
    (void)arg;
    for (int r = 0; r < ROUNDS; r++)
        for (int w = 0; w < 3; w++)
            for (int i = 0; i < N; i++) {
                answer(w, code_at(i), buf, sizeof buf);
                if (strcmp(buf, want[w][i]) != 0) {
                    pthread_mutex_lock(&lock);
                    failures++;
                    pthread_mutex_unlock(&lock);
                }
            }
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    char tiny[4];
    for (int w = 0; w < 3; w++)
        for (int i = 0; i < N; i++) {
            answer(w, code_at(i), want[w][i], sizeof want[w][i]);
            answer(w, code_at(i), tiny, sizeof tiny); /* truncation must stay in bounds */
        }
    for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, worker, NULL);
    for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
    printf("hammer: %d threads x %d rounds x %d codes x 3 wrappers, %d mismatches\n",
           THREADS, ROUNDS, N, failures);
    return failures != 0;
}
C
gcc -g -O0 -Wall -I"$ROOT/csrc" "$OUT/hammer.c" -o "$OUT/hammer" -pthread
"${VG[@]}" "$OUT/hammer"
echo "valgrind: no errors"
