#include "base/i18n.h"

#include <limits.h>
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

void gz_i18n_init(void)
{
	char exe[PATH_MAX], dir[PATH_MAX + 64];
	const char *tries[] = {"/build/locale", "/../../build/locale", "/../share/locale"};
	const char *language = getenv("LANGUAGE"), *messages;
	ssize_t n;
	size_t i;

	/* messages (and the character set gettext converts them to) only:
	 * LC_NUMERIC or LC_COLLATE from the environment would change what
	 * gazette writes */
	messages = setlocale(LC_MESSAGES, "");
	if (!messages) {
		/* LANG=zh_CN.UTF-8 on a system without that locale (a fresh
		 * Debian has only C and C.UTF-8): its language is still what
		 * the user asked for, and the catalogs need no locale */
		const char *want = getenv("LC_ALL");
		char lang[32];
		size_t k;

		if (!want || !*want)
			want = getenv("LC_MESSAGES");
		if (!want || !*want)
			want = getenv("LANG");
		if ((!language || !*language) && want && *want && strcmp(want, "C") &&
		    strcmp(want, "POSIX")) {
			for (k = 0; k + 1 < sizeof(lang) && want[k] && want[k] != '.' && want[k] != '@';
			     k++)
				lang[k] = want[k];
			lang[k] = '\0';
			setenv("LANGUAGE", lang, 1);
			language = getenv("LANGUAGE");
		}
		messages = "C";
	}
	/* gettext ignores LANGUAGE under the C locale, the default of a fresh
	 * system; whoever sets LANGUAGE has asked for it, so messages take a
	 * locale that honours it (a script that sets nothing stays English) */
	if (language && *language && messages &&
	    (!strcmp(messages, "C") || !strcmp(messages, "POSIX")))
		setlocale(LC_MESSAGES, "C.UTF-8");
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
