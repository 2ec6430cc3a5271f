/* date.c - calendar dates: ISO "YYYY-MM-DD" as plans write them, and the Vietnamese
 * forms documents print ("ngày 04 tháng 8 năm 2023", "04/8/2023").
 *
 * No locale and no <time.h>: the rules are the Gregorian calendar and Decree 30/2020,
 * and a plan's dates must print the same on every machine. */
#include "date.h"

#include <stdio.h>
#include <stdlib.h>

/* Plans only date things in the modern era; the range also keeps every year four digits. */
#define DATE_YEAR_MIN 1900
#define DATE_YEAR_MAX 2999

/* "YYYY-MM-DD" is exactly this many characters. */
#define DATE_ISO_LEN 10

/* What a draft prints in place of the day: room for the records office to write a
 * two-digit day by hand when the document is signed. No-break spaces, so that layout
 * keeps the room instead of folding it into one space. */
#define DATE_BLANK_DAY "\u00a0\u00a0\u00a0\u00a0\u00a0\u00a0"

/* Output buffer: "ngày 31 tháng 12 năm 2999" needs 28 bytes with its NUL (à á ă take two
 * bytes each), but the size also fits three full-range ints (at most 54 bytes), so the
 * compiler can prove snprintf never truncates. */
#define DATE_TEXT_MAX 64

static int is_leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int date_days_in_month(int year, int month)
{
	static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (month < 1 || month > 12)
		return 0;
	if (month == 2 && is_leap(year))
		return 29;
	return days[month - 1];
}

int date_valid(int year, int month, int day)
{
	if (year < DATE_YEAR_MIN || year > DATE_YEAR_MAX)
		return 0;
	return day >= 1 && day <= date_days_in_month(year, month);
}

/* ASCII white space only: plan text is XML, whose white space is exactly this set (plus
 * \v and \f, harmless to accept). Deliberately not isspace(), which depends on the locale. */
static int is_ascii_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* Reads n ASCII digits at s into *out; returns 0 when one of them is not a digit. */
static int read_digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 1;
}

int date_parse(const char *s, date *out)
{
	if (!s)
		return -1;
	while (is_ascii_space(*s))
		s++;
	int y, m, d;
	/* read_digits stops at the first non-digit, so it never reads past the NUL. */
	if (!read_digits(s, 4, &y) || s[4] != '-' || !read_digits(s + 5, 2, &m) || s[7] != '-' ||
	    !read_digits(s + 8, 2, &d))
		return -1;
	for (const char *p = s + DATE_ISO_LEN; *p; p++) {
		if (!is_ascii_space(*p))
			return -1;
	}
	if (!date_valid(y, m, d))
		return -2;
	if (out) {
		out->year = y;
		out->month = m;
		out->day = d;
	}
	return 0;
}

/* Formats a valid date in the long or short form; NULL for a NULL or impossible date.
 * Decree 30/2020 (box 4): days below 10 and the months 1 and 2 take a leading zero, so
 * that nobody can add a digit to a signed date; other months are written as they are. */
static char *format_date(const date *d, int long_form, int blank_day)
{
	if (!d || !date_valid(d->year, d->month, d->day))
		return NULL;
	char *out = malloc(DATE_TEXT_MAX);
	if (!out)
		return NULL;
	int lead = d->month <= 2; /* months 1 and 2 get their leading zero */
	if (!long_form && blank_day)
		snprintf(out, DATE_TEXT_MAX,
			 lead ? DATE_BLANK_DAY "/%02d/%d" : DATE_BLANK_DAY "/%d/%d", d->month,
			 d->year);
	else if (!long_form)
		snprintf(out, DATE_TEXT_MAX, lead ? "%02d/%02d/%d" : "%02d/%d/%d", d->day, d->month,
			 d->year);
	else if (blank_day)
		snprintf(out, DATE_TEXT_MAX,
			 lead ? "ngày " DATE_BLANK_DAY " tháng %02d năm %d"
			      : "ngày " DATE_BLANK_DAY " tháng %d năm %d",
			 d->month, d->year);
	else
		snprintf(out, DATE_TEXT_MAX,
			 lead ? "ngày %02d tháng %02d năm %d" : "ngày %02d tháng %d năm %d", d->day,
			 d->month, d->year);
	return out;
}

int date_before(const date *a, const date *b)
{
	if (a->year != b->year)
		return a->year < b->year;
	if (a->month != b->month)
		return a->month < b->month;
	return a->day < b->day;
}

char *date_long(const date *d, int blank_day)
{
	return format_date(d, 1, blank_day);
}

char *date_short(const date *d, int blank_day)
{
	return format_date(d, 0, blank_day);
}
