/* connerr_scan_lines: the log prefilter of connerr._logscan, in C.
 *
 * Finds the lines of a buffer that contain one of a set of literals, ASCII case-insensitively (the
 * literals are lower-case bytes; other bytes compare as they are). Three bytes are wildcards inside a
 * literal: 0x01 stands for a digit or '-', 0x02 for one of " \t=:#", 0x03 for a hex digit. Every
 * literal is at least four bytes long. The caller builds the tables once: `keys` holds, sorted, the first four bytes of each
 * literal packed big-endian into an unsigned int (a wildcard among them expanded into each byte it
 * stands for), `index` the literal of each key; `bitmap` has bit CONNERR_HASH(key) set for each key
 * (1 << 20 bits). `offsets`/`lengths` locate each literal in `literals`. Writes the offset of the start
 * of each matching line to `out` and its number (the newlines before it) to `out_lines` (room for one
 * per line with four bytes is enough: a line is reported once) and returns how many were written.
 */
#include "native.h"

#include <string.h>

#define CONNERR_HASH(key) ((unsigned int)((key) * 2654435761u) >> 12)

static unsigned char lower_of(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

static int byte_matches(unsigned char c, unsigned char want)
{
    if (want == 1)
        return c == '-' || (c >= '0' && c <= '9');
    if (want == 2)
        return c == ' ' || c == '\t' || c == '=' || c == ':' || c == '#';
    c = lower_of(c);
    if (want == 3)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    return c == want;
}

static int matches_at(const unsigned char *buf, size_t len, size_t start,
                      const unsigned char *literal, unsigned int length)
{
    unsigned int i;
    if (length > len - start)
        return 0;
    for (i = 4; i < length; i++)
        if (!byte_matches(buf[start + i], literal[i]))
            return 0;
    return 1;
}

/* Whether a literal whose first four bytes are `key` starts at `start`. */
static int literal_at(const unsigned char *buf, size_t len, size_t start, unsigned int key,
                      const unsigned int *keys, const unsigned int *index, size_t nkeys,
                      const unsigned char *literals, const unsigned int *offsets,
                      const unsigned int *lengths)
{
    size_t low = 0, high = nkeys;
    while (low < high) {
        size_t mid = low + (high - low) / 2;
        if (keys[mid] < key)
            low = mid + 1;
        else
            high = mid;
    }
    for (; low < nkeys && keys[low] == key; low++) {
        unsigned int i = index[low];
        if (matches_at(buf, len, start, literals + offsets[i], lengths[i]))
            return 1;
    }
    return 0;
}

size_t connerr_scan_lines(const unsigned char *buf, size_t len, const unsigned char *bitmap,
                          const unsigned int *keys, const unsigned int *index, size_t nkeys,
                          const unsigned char *literals, const unsigned int *offsets,
                          const unsigned int *lengths, size_t *out, size_t *out_lines,
                          size_t max_out)
{
    size_t found = 0, line_start = 0, pos = 0, line = 0;
    unsigned int window = 0, filled = 0;
    while (pos < len && found < max_out) {
        unsigned char c = buf[pos];
        unsigned int hash;
        if (c == '\n') {
            line++;
            line_start = ++pos;
            window = filled = 0;
            continue;
        }
        window = (window << 8) | lower_of(c);
        if (++filled >= 4) {
            hash = CONNERR_HASH(window);
            if ((bitmap[hash >> 3] & (1u << (hash & 7)))
                && literal_at(buf, len, pos - 3, window, keys, index, nkeys, literals, offsets,
                              lengths)) {
                const unsigned char *newline = memchr(buf + pos, '\n', len - pos);
                out_lines[found] = line;
                out[found++] = line_start;
                pos = newline ? (size_t)(newline - buf) : len;
                continue;
            }
        }
        pos++;
    }
    return found;
}
