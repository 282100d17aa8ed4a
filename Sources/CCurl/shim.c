#include "CCurl.h"

CURLcode argotop_curl_setopt_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode argotop_curl_setopt_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode argotop_curl_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode argotop_curl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

CURLcode argotop_curl_setopt_write_function(CURL *handle, argotop_curl_write_fn fn) {
    return curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, fn);
}

CURLcode argotop_curl_setopt_header_function(CURL *handle, argotop_curl_write_fn fn) {
    return curl_easy_setopt(handle, CURLOPT_HEADERFUNCTION, fn);
}

long argotop_curl_response_code(CURL *handle) {
    long code = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &code);
    return code;
}

long argotop_curl_getinfo_long(CURL *handle, CURLINFO info) {
    long value = 0;
    if (curl_easy_getinfo(handle, info, &value) != CURLE_OK) return 0;
    return value;
}

double argotop_curl_getinfo_double(CURL *handle, CURLINFO info) {
    double value = 0;
    if (curl_easy_getinfo(handle, info, &value) != CURLE_OK) return 0;
    return value;
}

void *argotop_curl_private(CURL *handle) {
    void *owner = NULL;
    curl_easy_getinfo(handle, CURLINFO_PRIVATE, &owner);
    return owner;
}

int argotop_curl_multi_next_done(CURLM *multi, CURL **handle, CURLcode *result) {
    int queued = 0;
    CURLMsg *msg;
    while ((msg = curl_multi_info_read(multi, &queued)) != NULL) {
        if (msg->msg == CURLMSG_DONE) {
            *handle = msg->easy_handle;
            *result = msg->data.result;
            return 1;
        }
    }
    return 0;
}
