// The hot loop of opening a workflow: one node of `status.nodes`, checked and cut into the spans the tree reads.
// It mirrors `FastWorkflowDecoder.Scanner.nodeRow` (Swift) and accepts a subset of what that accepts: whatever
// it is not sure of it hands back (CJS_ELSEWHERE), and the Swift reader reads that node and decides. So it may
// be stricter, never looser. Strings are scanned 16 bytes at a time with SSE2 where the target has it.
#include "CJSONScan.h"

#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

typedef struct {
    const uint8_t *p;
    const uint8_t *end;
} scan;

#define FAIL 1
_Static_assert(FAIL == CJS_ELSEWHERE, "a reader's failure is handed back as CJS_ELSEWHERE");

static inline __attribute__((always_inline)) void space(scan *s) {
    while (s->p < s->end) {
        uint8_t c = *s->p;
        if (c != ' ' && c != '\n' && c != '\r' && c != '\t') return;
        s->p++;
    }
}

static inline __attribute__((always_inline)) int is_hex(uint8_t c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
}

/// The rest of a string, `s->p` just past its opening quote; after it, just past the closing quote. Bytes past
/// ASCII fail (the Swift reader checks their UTF-8). With `escapes`, escapes are checked as the Swift reader's
/// `skipString` checks them; without, an escape fails (the text would have to be unescaped).
static inline __attribute__((always_inline)) int string_rest(scan *s, int escapes) {
    const uint8_t *p = s->p, *end = s->end;
    for (;;) {
#if defined(__SSE2__)
        const __m128i quote = _mm_set1_epi8('"'), backslash = _mm_set1_epi8('\\'), space20 = _mm_set1_epi8(0x20);
        while (end - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)p);
            // As signed bytes, those past ASCII are below 0x20 too.
            __m128i special = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
                                           _mm_cmplt_epi8(v, space20));
            unsigned mask = (unsigned)_mm_movemask_epi8(special);
            if (mask) {
                p += __builtin_ctz(mask);
                goto special;
            }
            p += 16;
        }
#endif
        while (p < end) {
            uint8_t c = *p;
            if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) goto special;
            p++;
        }
        return FAIL;
    special:
        if (*p == '"') {
            s->p = p + 1;
            return 0;
        }
        if (*p != '\\' || !escapes) return FAIL;
        p++;
        if (p >= end) return FAIL;
        switch (*p) {
        case 'u':
            if (end - p < 5 || !is_hex(p[1]) || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4])) return FAIL;
            p += 5;
            break;
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
            p++;
            break;
        default:
            return FAIL;
        }
    }
}

/// A string with no escapes (after white space); its span when `span` is not null.
static inline __attribute__((always_inline)) int text(scan *s, cjs_span *span, const uint8_t *doc) {
    space(s);
    if (s->p >= s->end || *s->p != '"') return FAIL;
    const uint8_t *start = ++s->p;
    if (string_rest(s, 0)) return FAIL;
    if (span) {
        span->start = start - doc;
        span->length = (s->p - 1) - start;
    }
    return 0;
}

/// `word` when it comes next (after white space).
static inline __attribute__((always_inline)) int literal(scan *s, const char *word, size_t n) {
    space(s);
    if ((size_t)(s->end - s->p) < n || memcmp(s->p, word, n) != 0) return 0;
    s->p += n;
    return 1;
}

/// null (the span stays absent) or a string with no escapes.
static inline __attribute__((always_inline)) int optional_text(scan *s, cjs_span *span, const uint8_t *doc) {
    if (literal(s, "null", 4)) return 0;
    return text(s, span, doc);
}

static inline __attribute__((always_inline)) const uint8_t *digits(const uint8_t *p, const uint8_t *end) {
    while (p < end && (uint8_t)(*p - '0') < 10) p++;
    return p;
}

/// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`
static inline __attribute__((always_inline)) int number(scan *s) {
    const uint8_t *p = s->p, *end = s->end;
    if (p < end && *p == '-') p++;
    const uint8_t *first = p;
    p = digits(p, end);
    if (p == first || (*first == '0' && p - first > 1)) return FAIL;
    if (p < end && *p == '.') {
        const uint8_t *d = ++p;
        p = digits(p, end);
        if (p == d) return FAIL;
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '+' || *p == '-')) p++;
        const uint8_t *d = p;
        p = digits(p, end);
        if (p == d) return FAIL;
    }
    s->p = p;
    return 0;
}

/// A key of a skipped object and its colon.
static inline __attribute__((always_inline)) int skipped_key(scan *s) {
    space(s);
    if (s->p >= s->end || *s->p != '"') return FAIL;
    s->p++;
    if (string_rest(s, 1)) return FAIL;
    space(s);
    if (s->p >= s->end || *s->p != ':') return FAIL;
    s->p++;
    return 0;
}

/// Any value, its grammar checked, nothing built: one loop with a bit a container open (1: an object).
static int skip_value(scan *s) {
    uint64_t objects = 0;
    int open = 0;
    for (;;) {
        space(s);
        if (s->p >= s->end) return FAIL;
        uint8_t c = *s->p;
        if (c == '"') {
            s->p++;
            if (string_rest(s, 1)) return FAIL;
        } else if (c == '{' || c == '[') {
            int object = c == '{';
            s->p++;
            space(s);
            if (s->p >= s->end) return FAIL;
            if (*s->p == (object ? '}' : ']')) {
                s->p++;
            } else {
                if (open >= 63) return FAIL;
                if (object) objects |= (uint64_t)1 << open;
                else objects &= ~((uint64_t)1 << open);
                open++;
                if (object && skipped_key(s)) return FAIL;
                continue;
            }
        } else if (c == 't') {
            if (!literal(s, "true", 4)) return FAIL;
        } else if (c == 'f') {
            if (!literal(s, "false", 5)) return FAIL;
        } else if (c == 'n') {
            if (!literal(s, "null", 4)) return FAIL;
        } else if (number(s)) {
            return FAIL;
        }
        // After a value: the containers it closes, then the next member or element.
        for (;;) {
            if (open == 0) return 0;
            space(s);
            if (s->p >= s->end) return FAIL;
            c = *s->p++;
            int object = (int)((objects >> (open - 1)) & 1);
            if (c == ',') {
                if (object && skipped_key(s)) return FAIL;
                break;
            }
            if (c != (object ? '}' : ']')) return FAIL;
            open--;
        }
    }
}

/// An integer as the Swift reader's `int()` reads one: `-?[0-9]{1,18}`, no leading zero, not followed by `.`,
/// `e` or `E`.
static int integer(scan *s) {
    space(s);
    const uint8_t *p = s->p, *end = s->end;
    if (p < end && *p == '-') p++;
    const uint8_t *first = p;
    p = digits(p, end);
    long n = p - first;
    if (n == 0 || n > 18 || (n > 1 && *first == '0')) return FAIL;
    if (p < end && (*p == '.' || *p == 'e' || *p == 'E')) return FAIL;
    s->p = p;
    return 0;
}

// What the helpers below answer of a container: it ended (or was empty), another member or element follows, or
// its grammar is not what the Swift reader accepts.
enum { END = 0, MORE = 1, BAD = -1 };

/// `open` (after white space); END when `close` follows at once (consumed), MORE when a member or element does.
static inline __attribute__((always_inline)) int open_container(scan *s, uint8_t open, uint8_t close) {
    space(s);
    if (s->p >= s->end || *s->p != open) return BAD;
    s->p++;
    space(s);
    if (s->p < s->end && *s->p == close) {
        s->p++;
        return END;
    }
    return MORE;
}

/// After a member or element: MORE after a comma, END after `close`.
static inline __attribute__((always_inline)) int next_item(scan *s, uint8_t close) {
    space(s);
    if (s->p >= s->end) return BAD;
    uint8_t c = *s->p++;
    if (c == ',') return MORE;
    return c == close ? END : BAD;
}

/// A member's key of plain ASCII (as the Swift reader's `memberKey` takes it without a second look) and its
/// colon; the key's bytes in `*key` and `*n`.
static inline __attribute__((always_inline)) int plain_key(scan *s, const uint8_t **key, size_t *n) {
    space(s);
    if (s->p >= s->end || *s->p != '"') return FAIL;
    const uint8_t *k = ++s->p;
    while (s->p < s->end) {
        uint8_t c = *s->p;
        if (c == '"') break;
        if (c == '\\' || c < 0x20 || c >= 0x80) return FAIL;
        s->p++;
    }
    if (s->p >= s->end) return FAIL;
    *key = k;
    *n = (size_t)(s->p - k);
    s->p++;
    space(s);
    if (s->p >= s->end || *s->p != ':') return FAIL;
    s->p++;
    return 0;
}

/// null, or an array of strings with no escapes; their spans go to `spans` (when not NULL), `room` at most, `*n`
/// counting them. 0, FAIL, or CJS_MORE_ROOM when `spans` has no room left.
static int string_array(scan *s, const uint8_t *doc, cjs_span *spans, int64_t room, int64_t *n) {
    if (literal(s, "null", 4)) return 0;
    int state = open_container(s, '[', ']');
    while (state == MORE) {
        if (spans && *n >= room) return CJS_MORE_ROOM;
        if (text(s, spans ? &spans[*n] : NULL, doc)) return FAIL;
        if (spans) (*n)++;
        state = next_item(s, ']');
    }
    return state == END ? 0 : FAIL;
}

enum { M_TEXT, M_BOOL };

/// An object whose members `a` and `b` (b may be NULL) are each null or, by `kind`, a string with no escapes
/// or a boolean, each at most once; other members any value. Keys plain ASCII (as `members` in Swift reads
/// them, through `memberKey`).
static int members(scan *s, const uint8_t *doc, const char *a, size_t an, const char *b, size_t bn, int kind) {
    unsigned seen = 0;
    int state = open_container(s, '{', '}');
    for (; state == MORE; state = next_item(s, '}')) {
        const uint8_t *k;
        size_t n;
        if (plain_key(s, &k, &n)) return FAIL;
        unsigned bit = (n == an && memcmp(k, a, n) == 0) ? 1 : (b && n == bn && memcmp(k, b, n) == 0) ? 2 : 0;
        if (bit) {
            if (seen & bit) return FAIL;
            seen |= bit;
            if (kind == M_TEXT) {
                if (optional_text(s, NULL, doc)) return FAIL;
            } else if (!literal(s, "null", 4) && !literal(s, "true", 4) && !literal(s, "false", 5)) {
                return FAIL;
            }
        } else if (skip_value(s)) {
            return FAIL;
        }
    }
    return state == END ? 0 : FAIL;
}

// The keys of `Scanner.nodeKeys`, in its order (their bits mark a key seen).
enum {
    K_ID, K_NAME, K_TYPE, K_PHASE, K_POD_IP, K_INPUTS, K_MESSAGE, K_OUTPUTS, K_PROGRESS, K_CHILDREN, K_NODE_FLAG,
    K_STARTED_AT, K_BOUNDARY_ID, K_FINISHED_AT, K_DISPLAY_NAME, K_TEMPLATE_REF, K_TEMPLATE_NAME, K_HOST_NODE_NAME,
    K_OUTBOUND_NODES, K_ESTIMATED_DURATION, K_RESOURCES_DURATION, K_SYNCHRONIZATION_STATUS,
    K_OTHER = -1,
};

#define IS(word) (n == sizeof(word) - 1 && memcmp(k, word, n) == 0)

static inline __attribute__((always_inline)) int key_number(const uint8_t *k, size_t n) {
    switch (n) {
    case 2: return IS("id") ? K_ID : K_OTHER;
    case 4: return IS("name") ? K_NAME : IS("type") ? K_TYPE : K_OTHER;
    case 5: return IS("phase") ? K_PHASE : IS("podIP") ? K_POD_IP : K_OTHER;
    case 6: return IS("inputs") ? K_INPUTS : K_OTHER;
    case 7: return IS("message") ? K_MESSAGE : IS("outputs") ? K_OUTPUTS : K_OTHER;
    case 8: return IS("progress") ? K_PROGRESS : IS("children") ? K_CHILDREN : IS("nodeFlag") ? K_NODE_FLAG : K_OTHER;
    case 9: return IS("startedAt") ? K_STARTED_AT : K_OTHER;
    case 10: return IS("boundaryID") ? K_BOUNDARY_ID : IS("finishedAt") ? K_FINISHED_AT : K_OTHER;
    case 11: return IS("displayName") ? K_DISPLAY_NAME : IS("templateRef") ? K_TEMPLATE_REF : K_OTHER;
    case 12: return IS("templateName") ? K_TEMPLATE_NAME : IS("hostNodeName") ? K_HOST_NODE_NAME : K_OTHER;
    case 13: return IS("outboundNodes") ? K_OUTBOUND_NODES : K_OTHER;
    case 17: return IS("estimatedDuration") ? K_ESTIMATED_DURATION : IS("resourcesDuration") ? K_RESOURCES_DURATION : K_OTHER;
    case 21: return IS("synchronizationStatus") ? K_SYNCHRONIZATION_STATUS : K_OTHER;
    default: return K_OTHER;
    }
}

int cjs_scan_node(const uint8_t *doc, int64_t count, int64_t start, cjs_node *node, cjs_span *children,
                  int64_t child_capacity) {
    const cjs_span none = {0, -1};
    node->name = node->displayName = node->type = node->phase = none;
    node->boundaryID = node->templateName = node->startedAt = node->finishedAt = node->message = none;
    node->children = 0;
    node->templateRef = 0;
    scan s = {doc + start, doc + count};
    uint32_t seen = 0;
    int64_t n_children = 0;
    // An empty node has no id: the Swift reader rejects it.
    int state = open_container(&s, '{', '}');
    if (state != MORE) return CJS_ELSEWHERE;
    for (; state == MORE; state = next_item(&s, '}')) {
        const uint8_t *k;
        size_t n;
        if (plain_key(&s, &k, &n)) return CJS_ELSEWHERE;
        int key = key_number(k, n);
        space(&s);
        int failed = 0;
        switch (key) {
        case K_ID: failed = text(&s, NULL, doc); break;
        case K_NAME: failed = text(&s, &node->name, doc); break;
        case K_TYPE: failed = text(&s, &node->type, doc); break;
        case K_PHASE: failed = optional_text(&s, &node->phase, doc); break;
        case K_BOUNDARY_ID: failed = optional_text(&s, &node->boundaryID, doc); break;
        case K_DISPLAY_NAME: failed = optional_text(&s, &node->displayName, doc); break;
        case K_TEMPLATE_NAME: failed = optional_text(&s, &node->templateName, doc); break;
        case K_STARTED_AT: failed = optional_text(&s, &node->startedAt, doc); break;
        case K_FINISHED_AT: failed = optional_text(&s, &node->finishedAt, doc); break;
        case K_MESSAGE: failed = optional_text(&s, &node->message, doc); break;
        case K_POD_IP: case K_PROGRESS: case K_HOST_NODE_NAME:
            failed = optional_text(&s, NULL, doc);
            break;
        case K_CHILDREN: {
            int status = string_array(&s, doc, children, child_capacity, &n_children);
            if (status) return status;
            break;
        }
        case K_TEMPLATE_REF:
            if (literal(&s, "null", 4)) break;
            if (members(&s, doc, "name", 4, "template", 8, M_TEXT)) return CJS_ELSEWHERE;
            node->templateRef = 1;
            break;
        case K_NODE_FLAG:
            if (literal(&s, "null", 4)) break;
            if (members(&s, doc, "hooked", 6, "retried", 7, M_BOOL)) return CJS_ELSEWHERE;
            break;
        case K_SYNCHRONIZATION_STATUS:
            if (literal(&s, "null", 4)) break;
            if (members(&s, doc, "waiting", 7, NULL, 0, M_TEXT)) return CJS_ELSEWHERE;
            break;
        case K_OUTBOUND_NODES: {
            int64_t none = 0;
            if (string_array(&s, doc, NULL, 0, &none)) return CJS_ELSEWHERE;
            break;
        }
        case K_ESTIMATED_DURATION:
            if (literal(&s, "null", 4)) break;
            failed = integer(&s);
            break;
        default:  // inputs, outputs, resourcesDuration, and keys NodeStatus does not read
            failed = skip_value(&s);
            break;
        }
        if (failed) return CJS_ELSEWHERE;
        if (key >= 0) {
            uint32_t bit = (uint32_t)1 << key;
            if (seen & bit) return CJS_ELSEWHERE;
            seen |= bit;
        }
    }
    if (state != END) return CJS_ELSEWHERE;
    if (!(seen & (1u << K_ID)) || node->name.length < 0 || node->type.length < 0) return CJS_ELSEWHERE;
    node->children = n_children;
    node->end = s.p - doc;
    return CJS_READ;
}
