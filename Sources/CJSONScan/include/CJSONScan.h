#ifndef CJSONSCAN_H
#define CJSONSCAN_H

#include <stdint.h>

/// Bytes of the document: where they start, how many; length -1 for a member that is absent or null.
typedef struct {
    int64_t start;
    int64_t length;
} cjs_span;

/// What the tree needs of one node of `status.nodes`, as spans of the document.
typedef struct {
    cjs_span name, displayName, type, phase, boundaryID, templateName, startedAt, finishedAt, message;
    /// How many spans of children were written.
    int64_t children;
    /// 1 when the node has a templateRef (not null).
    int64_t templateRef;
    /// The offset after the node's closing brace.
    int64_t end;
} cjs_node;

enum {
    /// The node was read: `node` and the children's spans are filled.
    CJS_READ = 0,
    /// Not a node this reader is sure of (escapes in a text, bytes past ASCII, a key it leaves alone, bad
    /// grammar): the Swift reader reads it, and decides.
    CJS_ELSEWHERE = 1,
    /// More children than `child_capacity`: call again with more room.
    CJS_MORE_ROOM = 2,
};

/// Reads the node object that starts at `start` (after white space) the way `FastWorkflowDecoder`'s
/// `nodeRow` checks it, and accepts only what that reader accepts: every key it knows at most once;
/// id, name and type strings; phase, boundaryID, displayName, templateName, podIP, message, progress,
/// hostNodeName a string or null; startedAt and finishedAt a string or null (their text is checked by the
/// caller); children and outboundNodes null or an array of strings; estimatedDuration null or an integer;
/// templateRef (name, template), nodeFlag (hooked, retried) and synchronizationStatus (waiting) null or an
/// object with those members null or a string (a boolean for nodeFlag), each at most once; inputs, outputs,
/// resourcesDuration and unknown keys any JSON value. Strings hold no escapes (but in values skipped) and
/// every string is ASCII, else CJS_ELSEWHERE.
int cjs_scan_node(const uint8_t *doc, int64_t count, int64_t start, cjs_node *node, cjs_span *children,
                  int64_t child_capacity);

#endif
