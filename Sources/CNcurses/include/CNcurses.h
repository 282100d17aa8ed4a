#ifndef ARGOTOP_CNCURSES_H
#define ARGOTOP_CNCURSES_H

// Wide-character curses needs these before the header; SwiftPM drops them from pkg-config.
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700
#endif
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE 1
#endif

#include <locale.h>
#include <wchar.h>
#include <ncursesw/curses.h>

// Attribute and size macros Swift cannot import.
int argotop_attr_bold(void);
int argotop_attr_reverse(void);
int argotop_attr_dim(void);
int argotop_attr_underline(void);
int argotop_color_pair(int pair);
int argotop_rows(void);
int argotop_cols(void);
int argotop_key_resize(void);
int argotop_key_code_yes(void);
int argotop_err(void);

// Draws one cell: a grapheme given as UTF-32 code points, with attributes.
int argotop_put_cell(int y, int x, const wchar_t *text, int length, int attrs);
// Reads one key; returns the get_wch status (OK, KEY_CODE_YES or ERR).
int argotop_get_key(int *code);
void argotop_set_locale(void);

#endif
