#ifndef ARGOTOP_CZLIB_H
#define ARGOTOP_CZLIB_H
#include <stddef.h>
#include <stdint.h>

/// Inflates a gzip (or zlib) stream. On success returns 0 and sets *out (malloc'd; free with
/// argotop_zlib_free) and *out_len; returns -1 on corrupt input, -2 when the output would pass max_out bytes.
int argotop_gunzip(const uint8_t *in, size_t in_len, size_t max_out, uint8_t **out, size_t *out_len);

/// Deflates into the gzip format. Returns 0 and sets *out / *out_len, or -1.
int argotop_gzip(const uint8_t *in, size_t in_len, uint8_t **out, size_t *out_len);

void argotop_zlib_free(void *p);
#endif
