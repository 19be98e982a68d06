/*
 * i18n.h: the messages a person reads, in their language (GNU gettext).
 *
 * English is the source; po/zh_CN.po is the Chinese catalog, compiled by
 * make into build/locale/ (in the source tree) and installed into
 * <prefix>/share/locale/. The language follows the user's locale as gettext
 * does: LANGUAGE, LC_ALL, LC_MESSAGES, LANG. Only the messages follow it:
 * numbers, sorting and the bytes gazette writes stay the same in every
 * locale.
 *
 *   _("text")   a message, translated where it is used
 *   N_("text")  marked for translation, translated later with _(var)
 */
#ifndef GZ_I18N_H
#define GZ_I18N_H

#include <libintl.h>

#define GZ_TEXT_DOMAIN "gazette"
#define _(s) dgettext(GZ_TEXT_DOMAIN, s)
#define N_(s) s
/* singular or plural by n (Chinese has one form) */
#define P_(one, many, n) dngettext(GZ_TEXT_DOMAIN, one, many, n)

/* Take the language from the environment and find the catalogs beside the
 * program. Call once, first thing in main; cheap (catalogs load on the
 * first message). */
void gz_i18n_init(void);

/* Speak language (a LANGUAGE value: "zh_CN", "zh_TW:zh_CN") from now on,
 * whatever the locale. It sets LANGUAGE: only before any thread starts. */
void gz_i18n_speak(const char *language);

#endif
