/*
 * arena.h — the front end's allocator: every token, macro body and AST node of one compilation
 * lives in one arena and is freed at once with arena_free. Allocation never fails (out of
 * memory aborts, as strbuf does); memory is zeroed. Blocks grow geometrically so that the
 * number of blocks stays logarithmic in the input size.
 */
#ifndef HS_LANG_ARENA_H
#define HS_LANG_ARENA_H

#include <stddef.h>

typedef struct ArenaBlock ArenaBlock;

typedef struct Arena {
    ArenaBlock *head;   /* newest block first */
    size_t used_bytes;  /* total handed out, for tests and limits */
} Arena;

#define ARENA_INIT {NULL, 0}

/* Zeroed memory of n bytes, aligned for any scalar type. */
void *arena_alloc(Arena *a, size_t n);
/* A copy of n bytes followed by a NUL. */
char *arena_strndup(Arena *a, const char *s, size_t n);
char *arena_strdup(Arena *a, const char *s);
/* A copy of an array of n elements of size sz. */
void *arena_memdup(Arena *a, const void *p, size_t n, size_t sz);
void arena_free(Arena *a);

#endif
