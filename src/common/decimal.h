/* Numbers as short decimal text, fast: what printf's "%.2f" (or "%.1f",
 * "%.3f", "%.0f") writes, with the zeros after the point and a lone point
 * dropped and "-0" written "0", without going through printf (the SVG writer
 * writes millions of coordinates). For src/ only. */
#ifndef CM_SRC_DECIMAL_H
#define CM_SRC_DECIMAL_H

#include <stddef.h>

/* The room cm_decimal() needs (and may fill): more than the longest text, a
 * sign, 16 digits, the point and 3 places, with its NUL. */
#define CM_DECIMAL_MAX 24

/* Writes @v to @places (0 to 3) places into @out, rounded as glibc's printf
 * rounds: the exact binary value, a tie to the even digit ("0.125" -> "0.12",
 * "0.375" -> "0.38"); then the trailing zeros of the fraction and a lone point
 * are dropped ("12.50" -> "12.5", "3.00" -> "3") and "-0" becomes "0".
 * Returns the length, or 0 with @out left as it was when @v is 2^53 or more in
 * size, not a number or infinite, or @places is out of range: the caller then
 * formats @v itself (whatever it does with such values stays its own). */
size_t cm_decimal(char out[CM_DECIMAL_MAX], double v, int places);

#endif
