#include "base/i18n.h"

#include <limits.h>
#include <stdbool.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef GZ_LOCALEDIR
#define GZ_LOCALEDIR "/usr/local/share/locale"
#endif

static int has_catalogs(const char *dir)
{
	struct stat st;
	return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* gettext ignores LANGUAGE under the C locale, the default of a fresh
 * system: whoever asks for a language gets it, the messages read as
 * C.UTF-8 then. */
static void honour_language(void)
{
	const char *now = setlocale(LC_MESSAGES, NULL);

	if (!now || !strcmp(now, "C") || !strcmp(now, "POSIX"))
		setlocale(LC_MESSAGES, "C.UTF-8");
}

void gz_i18n_speak(const char *language)
{
	setenv("LANGUAGE", language, 1);
	honour_language();
}

/* The language of a locale the system does not have ("zh_CN" of
 * LANG=zh_CN.UTF-8), into lang; false when none is asked for. */
static bool wanted_language(char *lang, size_t size)
{
	const char *want = getenv("LC_ALL");
	size_t k;

	if (!want || !*want)
		want = getenv("LC_MESSAGES");
	if (!want || !*want)
		want = getenv("LANG");
	if (!want || !*want || !strcmp(want, "C") || !strcmp(want, "POSIX"))
		return false;
	for (k = 0; k + 1 < size && want[k] && want[k] != '.' && want[k] != '@'; k++)
		lang[k] = want[k];
	lang[k] = '\0';
	return true;
}

void gz_i18n_init(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 64], lang[32];
	const char *tries[] = {"/build/locale", "/../../build/locale", "/../share/locale"};
	const char *language = getenv("LANGUAGE");
	bool installed;
	ssize_t n;
	size_t i;

	/* messages (and the character set gettext converts them to) only:
	 * LC_NUMERIC or LC_COLLATE from the environment would change what
	 * gazette writes. LANGUAGE is honoured under plain C too (a script
	 * that sets nothing stays English); LANG=zh_CN.UTF-8 on a system
	 * without that locale (a fresh Debian has only C and C.UTF-8) still
	 * names the language the user wants, and the catalogs need no locale */
	installed = setlocale(LC_MESSAGES, "") != NULL;
	if (language && *language)
		honour_language();
	else if (!installed && wanted_language(lang, sizeof(lang)))
		gz_i18n_speak(lang);
	setlocale(LC_CTYPE, "");
	bind_textdomain_codeset(GZ_TEXT_DOMAIN, "UTF-8");
	/* the source tree (./gazette, build/release/gazette), else installed
	 * beside the program, else where make install put it */
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;
		exe[n] = '\0';
		slash = strrchr(exe, '/');
		if (slash)
			*slash = '\0';
		for (i = 0; i < sizeof(tries) / sizeof(tries[0]); i++) {
			snprintf(dir, sizeof(dir), "%s%s", exe, tries[i]);
			if (has_catalogs(dir)) {
				bindtextdomain(GZ_TEXT_DOMAIN, dir);
				return;
			}
		}
	}
	bindtextdomain(GZ_TEXT_DOMAIN, GZ_LOCALEDIR);
}
