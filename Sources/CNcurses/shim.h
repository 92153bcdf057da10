#ifndef SLUICE_CNCURSES_SHIM_H
#define SLUICE_CNCURSES_SHIM_H

// Wide-character curses: without these, get_wch, mvadd_wch and cchar_t are not in scope.
#define _XOPEN_SOURCE_EXTENDED 1
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <langinfo.h>
#include <ncurses.h>

// Swift cannot import the macros below, and under Swift 6 strict concurrency it cannot touch
// the globals stdscr, LINES and COLS. Each is wrapped in a static inline function. All curses
// calls must stay on one thread.

static inline WINDOW *sluice_stdscr(void) { return stdscr; }
static inline int sluice_lines(void) { return LINES; }
static inline int sluice_cols(void) { return COLS; }
static inline void sluice_getmaxyx(WINDOW *w, int *y, int *x) { int yy, xx; getmaxyx(w, yy, xx); *y = yy; *x = xx; }

static inline attr_t sluice_a_normal(void) { return A_NORMAL; }
static inline attr_t sluice_a_bold(void) { return A_BOLD; }
static inline attr_t sluice_a_dim(void) { return A_DIM; }
static inline attr_t sluice_a_reverse(void) { return A_REVERSE; }
static inline attr_t sluice_a_underline(void) { return A_UNDERLINE; }
static inline attr_t sluice_a_italic(void) { return A_ITALIC; }

static inline int sluice_key_resize(void) { return KEY_RESIZE; }
static inline int sluice_err(void) { return ERR; }

// newterm on the process's own stdin/stdout (Swift 6 cannot touch the stdout/stdin globals).
// Unlike initscr, newterm returns NULL instead of exiting when the terminal is unusable.
static inline SCREEN *sluice_newterm(void) { return newterm(NULL, stdout, stdin); }
static inline int sluice_colors(void) { return COLORS; }
static inline int sluice_key_code_yes(void) { return KEY_CODE_YES; }
static inline int sluice_key_f0(void) { return KEY_F0; }
static inline int sluice_ok(void) { return OK; }

#endif
