/* What libconflictmap exports: the declarations of the public headers, each
 * marked CM_API. The library is built with every other symbol hidden, so
 * that its modules' own helpers stay its own; a program sees no difference. */
#ifndef CONFLICTMAP_API_H
#define CONFLICTMAP_API_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define CM_API __attribute__((visibility("default")))
#else
#define CM_API
#endif

#ifdef __cplusplus
}
#endif

#endif
