#include "czlib.h"
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

int argotop_gunzip(const uint8_t *in, size_t in_len, size_t max_out, uint8_t **out, size_t *out_len) {
    z_stream s;
    memset(&s, 0, sizeof s);
    /* 32 + MAX_WBITS: gzip or zlib header, detected. */
    if (inflateInit2(&s, 32 + MAX_WBITS) != Z_OK) return -1;
    size_t cap = in_len * 4 + 1024, len = 0;
    if (cap > max_out + 1) cap = max_out + 1;
    uint8_t *buf = malloc(cap);
    if (!buf) { inflateEnd(&s); return -1; }
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)in_len;
    int rc;
    do {
        if (len == cap) {
            if (cap > max_out) { free(buf); inflateEnd(&s); return -2; }
            size_t next = cap * 2;
            if (next > max_out + 1) next = max_out + 1;
            uint8_t *grown = realloc(buf, next);
            if (!grown) { free(buf); inflateEnd(&s); return -1; }
            buf = grown;
            cap = next;
        }
        s.next_out = buf + len;
        s.avail_out = (uInt)(cap - len);
        rc = inflate(&s, Z_NO_FLUSH);
        len = cap - s.avail_out;
        if (rc != Z_OK && rc != Z_STREAM_END) { free(buf); inflateEnd(&s); return -1; }
        if (rc == Z_OK && s.avail_in == 0 && s.avail_out != 0) { free(buf); inflateEnd(&s); return -1; } /* truncated */
    } while (rc != Z_STREAM_END);
    inflateEnd(&s);
    if (len > max_out) { free(buf); return -2; }
    *out = buf;
    *out_len = len;
    return 0;
}

int argotop_gzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len) {
    z_stream s;
    memset(&s, 0, sizeof s);
    if (deflateInit2(&s, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) return -1;
    size_t cap = deflateBound(&s, (uLong)in_len) + 32;
    uint8_t *buf = malloc(cap);
    if (!buf) { deflateEnd(&s); return -1; }
    s.next_in = (Bytef *)in;
    s.avail_in = (uInt)in_len;
    s.next_out = buf;
    s.avail_out = (uInt)cap;
    int rc = deflate(&s, Z_FINISH);
    if (rc != Z_STREAM_END) { free(buf); deflateEnd(&s); return -1; }
    *out_len = cap - s.avail_out;
    *out = buf;
    deflateEnd(&s);
    return 0;
}

void argotop_zlib_free(void *p) { free(p); }
