/* num.c - numbers as Vietnamese documents print them: Roman numerals for sections and
 * appendices, zero-padded numbers, list letters a) b) ... đ) .... */
#include "num.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest numeral up to NUM_ROMAN_MAX is "MMMDCCCLXXXVIII" (3888): 15 characters + NUL. */
#define NUM_ROMAN_LEN 16

/* The Vietnamese list alphabet has 23 letters; 23^7 > INT_MAX, so no int needs more than
 * 7 of them. */
#define NUM_ALPHA_LETTERS 23
#define NUM_ALPHA_DIGITS_MAX 7

char *num_roman(int n)
{
	static const struct {
		int value;
		const char *digits;
	} table[] = {
		{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"},
		{90, "XC"},  {50, "L"},   {40, "XL"}, {10, "X"},   {9, "IX"},
		{5, "V"},    {4, "IV"},   {1, "I"},
	};
	if (n < 1 || n > NUM_ROMAN_MAX)
		return NULL;
	char *out = malloc(NUM_ROMAN_LEN);
	if (!out)
		return NULL;
	size_t len = 0;
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		for (; n >= table[i].value; n -= table[i].value) {
			size_t k = strlen(table[i].digits);
			memcpy(out + len, table[i].digits, k);
			len += k;
		}
	}
	out[len] = '\0';
	return out;
}

char *num_pad(long n, int width)
{
	if (n < 0 || width > NUM_PAD_WIDTH_MAX)
		return NULL;
	if (width < 0)
		width = 0;
	int len = snprintf(NULL, 0, "%0*ld", width, n);
	if (len < 0)
		return NULL;
	char *out = malloc((size_t)len + 1);
	if (out)
		snprintf(out, (size_t)len + 1, "%0*ld", width, n);
	return out;
}

char *num_alpha(int n)
{
	/* Documents letter their points a) b) c) d) đ) e) g) ...: đ is a letter of its own,
	 * the vowel variants ă â ê ô ơ ư are left out, and so are f j w z. */
	static const char *const letters[NUM_ALPHA_LETTERS] = {
		"a", "b", "c", "d", "đ", "e", "g", "h", "i", "k", "l", "m",
		"n", "o", "p", "q", "r", "s", "t", "u", "v", "x", "y",
	};
	if (n < 1)
		return NULL;
	/* Bijective base 23, like spreadsheet columns: y is followed by aa, ab, ... ay, ba. */
	int digit[NUM_ALPHA_DIGITS_MAX];
	int count = 0;
	for (unsigned v = (unsigned)n; v > 0; v = (v - 1) / NUM_ALPHA_LETTERS)
		digit[count++] = (int)((v - 1) % NUM_ALPHA_LETTERS);
	/* Each letter is at most two bytes (đ). */
	char *out = malloc((size_t)count * 2 + 1);
	if (!out)
		return NULL;
	size_t len = 0;
	while (count > 0) {
		const char *l = letters[digit[--count]];
		size_t k = strlen(l);
		memcpy(out + len, l, k);
		len += k;
	}
	out[len] = '\0';
	return out;
}
