#include <stdio.h>

#include "media/image.h"
#include "test.h"

int gz_test_failures;
int gz_test_checks;
static int tests_run, tests_failed;

void gz_test_run(const char *name, gz_test_fn fn)
{
	int before = gz_test_failures;

	fn();
	tests_run++;
	if (gz_test_failures != before) {
		tests_failed++;
		fprintf(stderr, "FAIL %s\n", name);
	}
}

int main(void)
{
	suite_text();
	suite_yaml();
	suite_date();
	suite_suggest();
	suite_template();
	suite_source();
	suite_markdown();
	suite_script();
	suite_serve();
	suite_tokenize();
	suite_searchtext();
	suite_image();
	suite_media();
	suite_printcache();
	suite_deps();
	suite_buf();
	suite_doc();
	suite_print();
	suite_mdlimits();
	suite_sanitize();
	suite_pattern();
	suite_desk();
	suite_photos();
	gz_image_shutdown();
	printf("unit: %d passed, %d failed (%d checks)\n", tests_run - tests_failed, tests_failed,
	       gz_test_checks);
	return tests_failed ? 1 : 0;
}
