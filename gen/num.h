/* num.h - numbers as Vietnamese documents print them.
 *
 * Pure functions, no I/O. Returned strings are malloc()ed and owned by the caller. */
#ifndef VBGEN_NUM_H
#define VBGEN_NUM_H

/* Roman numerals never go beyond this in a plan (sections, appendices). */
#define NUM_ROMAN_MAX 3999

/* Returns n in upper-case Roman numerals ("IV"), or NULL when n is outside 1..NUM_ROMAN_MAX. */
char *num_roman(int n);

/* Returns n zero-padded to at least width digits: num_pad(5, 2) -> "05". n >= 0.
 * Returns NULL when n < 0 or width > NUM_PAD_WIDTH_MAX; a width below 1 means no padding. */
char *num_pad(long n, int width);

/* No document pads a number wider than this (a long has at most 19 digits anyway). */
#define NUM_PAD_WIDTH_MAX 32

/* Returns the Vietnamese list letter for n, counting through the 23 letters
 * a b c d đ e g h i k l m n o p q r s t u v x y (1 -> "a", 5 -> "đ", 6 -> "e", 23 -> "y"),
 * then on like spreadsheet columns (24 -> "aa", 25 -> "ab", 47 -> "ba"), or NULL when
 * n < 1. */
char *num_alpha(int n);

#endif
