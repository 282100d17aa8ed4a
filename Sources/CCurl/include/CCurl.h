#ifndef ARGOTOP_CCURL_H
#define ARGOTOP_CCURL_H

#include <curl/curl.h>

// curl_easy_setopt is variadic, which Swift cannot call: one typed wrapper per argument kind.
// Integers always travel as long, as libcurl expects.
CURLcode argotop_curl_setopt_long(CURL *handle, CURLoption option, long value);
CURLcode argotop_curl_setopt_string(CURL *handle, CURLoption option, const char *value);
CURLcode argotop_curl_setopt_pointer(CURL *handle, CURLoption option, void *value);
CURLcode argotop_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value);

typedef size_t (*argotop_curl_write_fn)(char *data, size_t size, size_t nmemb, void *owner);
CURLcode argotop_curl_setopt_write_function(CURL *handle, argotop_curl_write_fn fn);
CURLcode argotop_curl_setopt_header_function(CURL *handle, argotop_curl_write_fn fn);

long argotop_curl_response_code(CURL *handle);

// curl_easy_getinfo is variadic too: one wrapper per result type. A failed query reads as 0.
long argotop_curl_getinfo_long(CURL *handle, CURLINFO info);
double argotop_curl_getinfo_double(CURL *handle, CURLINFO info);
void *argotop_curl_private(CURL *handle);

// Exposes the CURLMsg fields Swift cannot reach through the anonymous union.
int argotop_curl_multi_next_done(CURLM *multi, CURL **handle, CURLcode *result);

#endif
