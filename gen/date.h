/* date.h - calendar dates as written in plans (ISO) and as printed (Vietnamese).
 *
 * Pure functions, no I/O, no locale. Returned strings are malloc()ed and owned by the
 * caller. */
#ifndef VBGEN_DATE_H
#define VBGEN_DATE_H

typedef struct date {
	int year;  /* 1900..2999 */
	int month; /* 1..12 */
	int day;   /* 1..31, valid for the month and year (leap years included) */
} date;

/* Parses "YYYY-MM-DD" exactly (ten characters, surrounding white space allowed).
 * Returns 0 and fills *out on success; returns -1 when the text is not of that form,
 * -2 when the form is right but the date does not exist (2023-02-30, month 13) or its year
 * is outside 1900..2999. *out is only written on success; out may be NULL to just check. */
int date_parse(const char *s, date *out);

/* Returns 1 when year/month/day name a real date in 1900..2999, else 0. */
int date_valid(int year, int month, int day);

/* Whether a comes before b, day by day. */
int date_before(const date *a, const date *b);

/* Days in the month (28..31), or 0 when the month is out of range. */
int date_days_in_month(int year, int month);

/* Returns "ngày 04 tháng 8 năm 2023": a leading zero for days below 10 and for months
 * 1 and 2 only (Decree 30, box 4). With blank_day set (a draft), the day is left as
 * blank space for the records office: "ngày      tháng 8 năm 2023". NULL when d is NULL
 * or not a valid date (see date_valid). */
char *date_long(const date *d, int blank_day);

/* Returns the short form used in running text and tables: "04/8/2023" (same
 * zero-padding rule as date_long); with blank_day set (a draft), the day is left blank:
 * "      /02/2024". NULL as for date_long. */
char *date_short(const date *d, int blank_day);

#endif
