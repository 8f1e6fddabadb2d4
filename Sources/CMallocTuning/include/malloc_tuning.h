#ifndef CLICKTALLY_MALLOC_TUNING_H
#define CLICKTALLY_MALLOC_TUNING_H

/// Caps glibc's malloc arenas at `count` (mallopt(M_ARENA_MAX)); returns 1 when applied, 0 where there is no glibc.
/// Swift's Glibc module does not export <malloc.h>, hence this one-function C target.
int clicktally_limit_malloc_arenas(int count);

#endif
