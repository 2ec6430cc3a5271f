/* text.h - Vietnamese-aware text helpers: NFC, case, blanks, ids, the names of bodies.
 *
 * Pure functions over UTF-8 strings; no I/O. Every returned char * is newly allocated
 * with malloc() and owned by the caller, who frees it with free(). Inputs must be valid
 * UTF-8 (the plan reader guarantees it); NULL input gives NULL output, and so does invalid
 * UTF-8 (or running out of memory) for the functions that return a string. */
#ifndef VBGEN_TEXT_H
#define VBGEN_TEXT_H

#include <stddef.h>

/* Returns the Unicode NFC form of s (decomposed Vietnamese such as "a\u0301" becomes "á"). */
char *text_nfc(const char *s);

/* Returns 1 when s is already in NFC, else 0. */
int text_is_nfc(const char *s);

/* Returns 1 when the n bytes of valid UTF-8 at s cannot change under NFC: every character
 * is below U+0300 or a precomposed letter of U+1E00-U+1EFF (all Vietnamese text typed as
 * usual); 0 when some part needs a closer look. Byte-level, for whole files. */
int text_surely_nfc(const char *s, size_t n);

/* Returns s upper-cased with full Unicode rules: "ủy ban nhân dân" -> "ỦY BAN NHÂN DÂN",
 * "đ" -> "Đ". The result is NFC. */
char *text_upper(const char *s);

/* Returns s lower-cased (Unicode), NFC. */
char *text_lower(const char *s);

/* Returns 1 when s is NULL, empty or only white space (Unicode spaces included), else 0. */
int text_is_blank(const char *s);

/* The length in bytes of the white space at s that running text folds into one space:
 * XML's white space (space, tab, line feed, carriage return) and Unicode's line breaks
 * (NEL U+0085, LINE SEPARATOR U+2028, PARAGRAPH SEPARATOR U+2029), which a plan pasted
 * from a web page or a word processor may hold; 0 for anything else. The fixed spaces
 * (no-break, thin, ideographic) are not folded: they are meant, and printed as written. */
int text_fold_space(const char *s);

/* Returns s with leading and trailing white space removed and every inner run of white
 * space (spaces, tabs, newlines, NBSP) folded to one ASCII space. */
char *text_squeeze(const char *s);

/* Values quoted back in messages are cut to this many bytes: a whole paragraph quoted is
 * no help, and a message stays one line. */
#define TEXT_QUOTE_MAX 60

/* Copies s (NULL: "") into buf, which holds TEXT_QUOTE_MAX + 4 bytes, for quoting in a
 * message: white space runs folded to one space, cut at a character boundary with "..."
 * when longer than TEXT_QUOTE_MAX bytes. Returns buf. */
char *text_quote(char *buf, const char *s);

/* Returns 1 when s is a valid id: ASCII [a-z0-9][a-z0-9-]*, at most TEXT_ID_MAX bytes. */
int text_is_id(const char *s);

/* Whether the file name s (up to its first dot, in any case) is one Windows keeps for a
 * device: CON, PRN, AUX, NUL, COM0-COM9, LPT0-LPT9. Windows cannot open, copy or delete
 * con.pdf, and a letter's file is named after its agency's id. */
int text_windows_reserved(const char *s);

/* Returns the Levenshtein distance between a and b (bytes), or max + 1 when it is surely
 * more than max: their lengths differ by more, or one is longer than TEXT_DISTANCE_LEN.
 * For "did you mean" suggestions of ids and element names. */
int text_distance(const char *a, const char *b, int max);

/* Names longer than this are never compared for suggestions (the cost is quadratic). */
#define TEXT_DISTANCE_LEN 64

/* Word lists, "a b c" or "a|b|c" with seps the separators; a word may end in marks of a
 * content model ("item*", "title?"), which are not part of it. Whether words holds
 * name; and the word of words nearest to name within max (never name itself), copied
 * into buf (size bytes): 1 when there is one, else 0 and buf "". For "did you mean". */
int text_words_has(const char *words, const char *name, const char *seps);
int text_words_nearest(const char *words, const char *seps, const char *name, int max, char *buf,
		       size_t size);

/* Ids are file names for letters and appear in messages: keep them short. */
#define TEXT_ID_MAX 64

/* ---- the names of bodies ---------------------------------------------------------- */

/* A People's Committee is named "Ủy ban nhân dân" (or "UBND") followed by its unit, a
 * level word and a place: "UBND xã Cam An", "Ủy ban nhân dân tỉnh Quảng Trị". Returns 1
 * when name is written so and sets *unit to the unit ("xã Cam An") and *place to its place
 * name ("Cam An"), both pointers into name; returns 0 (pointers untouched) otherwise.
 * Either pointer may be NULL. The level words are those of Vietnam's administrative
 * units (tỉnh, thành phố, huyện, quận, thị xã, thị trấn, xã, phường, đặc khu). */
int text_committee(const char *name, const char **unit, const char **place);

/* Returns s with its first letter in lower case when its first word is an ordinary word,
 * as a phrase reads in the middle of a sentence: "Thường xuyên" -> "thường xuyên", "Theo
 * Kế hoạch ..." -> "theo Kế hoạch ...". A first word with more than one capital ("UBND",
 * "HĐND") or followed by a capitalised word (a proper name: "Hà Tĩnh", "Sở Nội vụ") is left
 * as it is, unless it is a word that never begins a name ("theo", "trước", "các", ...).
 * NFC in, NFC out. */
char *text_lower_first(const char *s);

/* The same for the name of a group of bodies in the middle of a sentence: only a first
 * word that counts them ("Các sở, ban, ngành" -> "các sở, ban, ngành", "Những", "Mọi") is
 * lowered; a group named after a body ("Ủy ban MTTQ Việt Nam xã và các đoàn thể", "Công
 * an xã, Ban Chỉ huy Quân sự xã") keeps its capital. */
char *text_lower_group(const char *s);

/* A number and symbol ("165/KH-UBND"), a date ("27/6/2023") or a quarter ("Quý III/2024")
 * reads as one word and must never be split at its slash. Calls fn(start, end, data)
 * with the byte range of each such token in the len bytes at s: a run of letters, digits,
 * '-' and '.' holding a '/' between two letters or digits, with the word "Quý" before it
 * when there is one and with_words is set. Tokens longer than TEXT_NOBREAK_MAX bytes are no such
 * thing (a URL, a path) and are left out. Also the space before a spaced dash ("Việt Nam - Chi
 * nhánh"), so that no line starts with the dash and reads as a bullet. Returns the number of spans.
 */
int text_nobreak_spans(const char *s, int len, int with_words,
		       void (*fn)(int start, int end, void *data), void *data);

/* "Quý III/2024" is 14 bytes, "Số 1234/QĐ-UBND-VX" about 20: a token of 48 bytes is
 * already no number and symbol. */
#define TEXT_NOBREAK_MAX 48

/* Where a short text (a name in a header, a title, a summary) may break between lines,
 * and how badly, from the way Vietnamese official names are written: each component's
 * first syllable is a capital ("Sở Thông tin và Truyền thông"), a place follows its level
 * word ("tỉnh Quảng Trị"), a proper name is a run of capitals ("Việt Nam"). Sets pen[g]
 * for the g-th space of s (at most max spaces): TEXT_BREAK_GOOD after a comma, before
 * "và" or a level word, after a spaced dash; TEXT_BREAK_FORBID inside a proper name or a
 * level word and its place, and before a number; values between for the rest (inside a
 * component, breaking after an even number of syllables is cheaper: most Vietnamese words
 * have two). Returns the number of spaces seen (may exceed max). s must be in its own
 * case (before any upper-casing). */
int text_break_penalties(const char *s, int *pen, int max);

#define TEXT_BREAK_GOOD 2
#define TEXT_BREAK_FORBID 1000

#endif
