#include "CNcurses.h"

int argotop_attr_bold(void) { return A_BOLD; }
int argotop_attr_reverse(void) { return A_REVERSE; }
int argotop_attr_dim(void) { return A_DIM; }
int argotop_attr_underline(void) { return A_UNDERLINE; }
int argotop_color_pair(int pair) { return COLOR_PAIR(pair); }
int argotop_rows(void) { int y, x; getmaxyx(stdscr, y, x); (void)x; return y; }
int argotop_cols(void) { int y, x; getmaxyx(stdscr, y, x); (void)y; return x; }
int argotop_key_resize(void) { return KEY_RESIZE; }
int argotop_key_code_yes(void) { return KEY_CODE_YES; }
int argotop_err(void) { return ERR; }

int argotop_put_cell(int y, int x, const wchar_t *text, int length, int attrs) {
    cchar_t cell;
    wchar_t buffer[CCHARW_MAX + 1];
    int n = length < CCHARW_MAX ? length : CCHARW_MAX;
    for (int i = 0; i < n; i++) buffer[i] = text[i];
    buffer[n] = L'\0';
    short pair = (short)PAIR_NUMBER(attrs);
    if (setcchar(&cell, buffer, (attr_t)(attrs & ~A_COLOR), pair, NULL) != OK) return ERR;
    return mvadd_wch(y, x, &cell);
}

int argotop_get_key(int *code) {
    wint_t value = 0;
    int status = get_wch(&value);
    *code = (int)value;
    return status;
}

void argotop_set_locale(void) { setlocale(LC_ALL, ""); }
