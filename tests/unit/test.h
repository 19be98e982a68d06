/*
 * test.h: a very small unit-test harness.
 *
 * Each test file defines test functions and registers them in its suite
 * function; main.c calls every suite. A failed check prints file:line and
 * the expression, and marks the test failed without stopping the others.
 */
#ifndef GZ_TEST_H
#define GZ_TEST_H

#include <stdio.h>
#include <string.h>

extern int gz_test_failures;
extern int gz_test_checks;

#define CHECK(cond)                                                                    \
	do {                                                                           \
		gz_test_checks++;                                                      \
		if (!(cond)) {                                                         \
			gz_test_failures++;                                            \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		}                                                                      \
	} while (0)

#define CHECK_STR(got, want)                                                            \
	do {                                                                            \
		const char *g_ = (got), *w_ = (want);                                   \
		gz_test_checks++;                                                       \
		if (!g_ || strcmp(g_, w_)) {                                            \
			gz_test_failures++;                                             \
			fprintf(stderr, "%s:%d: %s\n  got:  '%s'\n  want: '%s'\n", __FILE__, \
				__LINE__, #got, g_ ? g_ : "(null)", w_);                \
		}                                                                       \
	} while (0)

#define CHECK_INT(got, want)                                                            \
	do {                                                                            \
		long long g_ = (long long)(got), w_ = (long long)(want);                \
		gz_test_checks++;                                                       \
		if (g_ != w_) {                                                         \
			gz_test_failures++;                                             \
			fprintf(stderr, "%s:%d: %s: got %lld, want %lld\n", __FILE__,   \
				__LINE__, #got, g_, w_);                                \
		}                                                                       \
	} while (0)

typedef void (*gz_test_fn)(void);
void gz_test_run(const char *name, gz_test_fn fn);

void suite_text(void);
void suite_yaml(void);
void suite_date(void);
void suite_suggest(void);
void suite_template(void);
void suite_source(void);
void suite_markdown(void);
void suite_script(void);
void suite_serve(void);
void suite_tokenize(void);
void suite_searchtext(void);
void suite_media(void);
void suite_image(void);
void suite_printcache(void);
void suite_deps(void);
void suite_buf(void);
void suite_doc(void);
void suite_print(void);
void suite_mdlimits(void);
void suite_sanitize(void);
void suite_pattern(void);
void suite_desk(void);
void suite_photos(void);

#endif
