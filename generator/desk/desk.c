/*
 * desk.c: `gazette desk`: the command, and each request routed to its
 * screen.
 *
 * Every screen is server-rendered HTML; desk.js only runs the live preview
 * and puts the check's findings beside the lines. A page is named by its
 * path below the site ("content/stories/2020/x/index.md"), and a page being
 * written by its branch; both are checked before they name anything.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/internal.h"
#include "load/yaml.h"
#include "write/cache.h"

static bool csrf_ok(desk_ctx *c)
{
	const char *tok = gz_http_field_get(c->rq, "csrf");

	return tok && gz_desk_token_equal(c->s.csrf, tok);
}

static void handle(gz_http_reply *rp, const gz_http_request *rq, void *payload)
{
	desk *dk = payload;
	desk_ctx c;
	const char *path = rq->path;
	bool post = !strcmp(rq->method, "POST");
	const gz_desk_user *u;

	memset(&c, 0, sizeof(c));
	c.dk = dk;
	c.rq = rq;
	c.rp = rp;
	gz_diag_init(&c.failed);
	/* read each time: `gazette desk user add` works while the desk runs */
	pthread_mutex_lock(&dk->users_lock);
	if (gz_desk_users_load(&c.users, dk->users_file, &c.failed) < 0) {
		pthread_mutex_unlock(&dk->users_lock);
		desk_failed(&c, 500, _("Editing desk"));
		goto cleanup;
	}
	pthread_mutex_unlock(&dk->users_lock);
	if (!strcmp(path, "/desk/static/desk.css")) {
		rp->type = "text/css; charset=utf-8";
		gz_buf_add(&rp->body, desk_css, strlen(desk_css));
		goto cleanup;
	}
	if (!strcmp(path, "/desk/static/desk.js")) {
		rp->type = "text/javascript; charset=utf-8";
		gz_buf_add(&rp->body, desk_js, strlen(desk_js));
		goto cleanup;
	}
	if (!strcmp(path, "/desk/login")) {
		if (post)
			desk_do_login(&c);
		else
			desk_login_form(&c, NULL);
		goto cleanup;
	}
	if (strncmp(path, "/desk/", 6)) {
		desk_redirect(&c, "/desk/");
		goto cleanup;
	}
	if (!gz_desk_session_find(dk->sessions, gz_http_cookie(rq, "gz_session"), &c.s) ||
	    !(u = gz_desk_users_find(&c.users, c.s.user))) {
		memset(&c.s, 0, sizeof(c.s));
		desk_redirect(&c, "/desk/login");
		goto cleanup;
	}
	c.user = *u;
	if (post && !csrf_ok(&c)) {
		desk_message(&c, 403, _("Refused"), _("The form has expired: open the page again."));
		goto cleanup;
	}
	if (post && !strcmp(path, "/desk/logout")) {
		gz_desk_session_end(dk->sessions, c.s.token);
		rp->cookie = gz_strdup("gz_session=; Path=/desk/; HttpOnly; SameSite=Strict; Max-Age=0");
		desk_redirect(&c, "/desk/login");
	} else if (!post && !strcmp(path, "/desk/")) {
		desk_list_screen(&c);
	} else if (!post && !strcmp(path, "/desk/new")) {
		desk_edit_screen(&c, true);
	} else if (!post && !strcmp(path, "/desk/edit")) {
		desk_edit_screen(&c, false);
	} else if (!post && !strcmp(path, "/desk/review")) {
		desk_review_screen(&c);
	} else if (!post && !strcmp(path, "/desk/photo")) {
		desk_do_photo(&c);
	} else if (!post && !strncmp(path, "/desk/view/", 11)) {
		desk_do_view(&c);
	} else if (post && !strcmp(path, "/desk/save")) {
		desk_do_save(&c);
	} else if (post && !strcmp(path, "/desk/preview")) {
		desk_do_preview(&c);
	} else if (post && !strcmp(path, "/desk/upload")) {
		desk_do_upload(&c);
	} else if (post && !strcmp(path, "/desk/decide")) {
		desk_do_decide(&c);
	} else {
		desk_message(&c, 404, _("Not found"), path);
	}
cleanup:
	gz_desk_users_release(&c.users);
	gz_diag_release(&c.failed);
}

/* ---- the command ---- */

/* The desk speaks its site's language, whatever the locale of whoever
 * started it ("zh-CN" becomes zh_CN, any Chinese falls back to the zh_CN
 * catalog). Called before the server's threads start. */
static void speak(const char *lang)
{
	gz_buf l = GZ_BUF_INIT;
	size_t i;

	gz_buf_puts(&l, lang);
	for (i = 0; i < l.len; i++)
		if (l.ptr[i] == '-')
			l.ptr[i] = '_';
	if (!strncmp(l.ptr, "zh", 2) && strcmp(l.ptr, "zh_CN"))
		gz_buf_puts(&l, ":zh_CN");
	gz_i18n_speak(l.ptr);
	gz_buf_release(&l);
}

/* The language: of site.yml on the publishing branch, else the build's
 * default. */
static char *site_language(desk *dk)
{
	char tip[GZ_SHA_SIZE], *yml = NULL, *rp = desk_repo_path(dk, "site.yml"), *lang;
	gz_value *v = NULL, *l;
	size_t len;

	if (gz_gitw_tip(dk->git, dk->branch, tip, NULL) < 0 ||
	    gz_gitw_read(dk->git, tip, rp, &yml, &len, NULL) < 0 ||
	    gz_yaml_parse(&v, yml, len, 0, NULL, NULL) < 0)
		v = NULL;
	l = gz_value_get(v, "language");
	lang = gz_strdup(l && l->type == GZ_STR && *l->str && !strpbrk(l->str, "\"<>&") ? l->str :
										       "zh-CN");
	gz_value_free(v);
	free(yml);
	free(rp);
	return lang;
}

static const char usage[] =
	N_("usage: gazette desk [--source REPO] [--bind ADDR] [--port N] [--users FILE] [--out DIR]\n"
	   "       gazette desk user add NAME --role editor|reviewer|admin --email E [--users FILE]\n"
	   "\n"
	   "  -s, --source REPO  the site's git repository (working tree or bare); default .\n"
	   "  -b, --bind ADDR    address to listen on; default 127.0.0.1\n"
	   "  -p, --port N       port; default 8090\n"
	   "  -u, --users FILE   the users file; default .gazette/desk-users\n"
	   "  -o, --out DIR      where approval builds the site; default REPO/public\n"
	   "\n"
	   "user add reads the password from standard input.\n");

/* Previews and the check's copies of the site: in a working tree beside
 * serve's, in .gazette/desk/ (the one folder of the cache a build may write
 * into besides .gazette/serve/); a bare repository keeps nothing of ours
 * inside it, so there they go to the user's cache, in a folder of this
 * repository's own (write/cache.h). */
static char *state_dir(const char *source, bool bare)
{
	gz_buf b = GZ_BUF_INIT;

	if (bare) {
		char *any = gz_cache_file(source, true, source, "desk", true);
		gz_buf_puts(&b, any);
		gz_buf_truncate(&b, b.len - 4);
		free(any);
	} else {
		char *dir = gz_cache_dir(source, "desk");
		gz_buf_puts(&b, dir);
		free(dir);
	}
	mkdir(b.ptr, 0700);
	return gz_buf_detach(&b, NULL);
}

static char *users_default(const char *source, bool bare)
{
	gz_buf b = GZ_BUF_INIT;

	if (bare) {
		char *s = state_dir(source, true);
		gz_buf_printf(&b, "%s/users", s);
		free(s);
	} else {
		char *c = gz_cache_dir(source, "desk");
		char *slash = strrchr(c, '/');
		*slash = '\0';
		gz_buf_printf(&b, "%s/desk-users", c);
		free(c);
	}
	return gz_buf_detach(&b, NULL);
}

static int user_add(int argc, char **argv, const char *source, const char *users)
{
	static const struct option longopts[] = {
		{"role", required_argument, NULL, 'r'}, {"email", required_argument, NULL, 'e'},
		{"users", required_argument, NULL, 'u'}, {"source", required_argument, NULL, 's'},
		{NULL, 0, NULL, 0},
	};
	const char *role = NULL, *email = NULL;
	char pw[1024], *def = NULL;
	gz_gitw *git = NULL;
	gz_diag d;
	size_t n;
	int c, rc = 1;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:e:u:s:", longopts, NULL)) != -1) {
		switch (c) {
		case 'r': role = optarg; break;
		case 'e': email = optarg; break;
		case 'u': users = optarg; break;
		case 's': source = optarg; break;
		default: fputs(_(usage), stderr); return 2;
		}
	}
	if (optind + 1 != argc || !role || !email) {
		fputs(_(usage), stderr);
		return 2;
	}
	if (!fgets(pw, sizeof(pw), stdin)) {
		fprintf(stderr, _("gazette desk: give the password on standard input\n"));
		return 2;
	}
	n = strlen(pw);
	while (n && (pw[n - 1] == '\n' || pw[n - 1] == '\r'))
		pw[--n] = '\0';
	if (!users) {
		gz_diag_init(&d);
		rc = gz_gitw_open(&git, source, &d) < 0 ? 1 : 0;
		gz_diag_print(&d, stderr);
		gz_diag_release(&d);
		if (rc)
			goto cleanup;
		rc = 1;
		users = def = users_default(source, gz_gitw_is_bare(git));
	}
	gz_diag_init(&d);
	if (gz_desk_users_add(users, argv[optind], role, email, pw, &d) == 0) {
		printf(_("%s: %s added\n"), users, argv[optind]);
		rc = 0;
	}
	gz_diag_print(&d, stderr);
	gz_diag_release(&d);
cleanup:
	memset(pw, 0, sizeof(pw));
	gz_gitw_free(git);
	free(def);
	return rc;
}

int gz_desk_main(int argc, char **argv, gz_desk_check_fn check)
{
	static const struct option longopts[] = {
		{"source", required_argument, NULL, 's'}, {"bind", required_argument, NULL, 'b'},
		{"port", required_argument, NULL, 'p'},   {"users", required_argument, NULL, 'u'},
		{"out", required_argument, NULL, 'o'},    {"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *source = ".", *bind = "127.0.0.1", *users = NULL, *out = NULL;
	char *def_users = NULL, *def_out = NULL;
	int port = 8090, c, rc = 1;
	gz_diag d;
	desk dk;

	if (argc > 2 && !strcmp(argv[1], "user") && !strcmp(argv[2], "add"))
		return user_add(argc - 2, argv + 2, source, users);
	optind = 1;
	while ((c = getopt_long(argc, argv, "s:b:p:u:o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 's': source = optarg; break;
		case 'b': bind = optarg; break;
		case 'p':
			port = atoi(optarg);
			if (port < 0 || port > 65535) {
				fprintf(stderr, _("gazette desk: --port must be a number from 0 to 65535\n"));
				return 2;
			}
			break;
		case 'u': users = optarg; break;
		case 'o': out = optarg; break;
		case 'h': fputs(_(usage), stdout); return 0;
		default: fputs(_(usage), stderr); return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, _("gazette desk: unexpected argument '%s'\n"), argv[optind]);
		return 2;
	}
	memset(&dk, 0, sizeof(dk));
	pthread_mutex_init(&dk.build_lock, NULL);
	pthread_mutex_init(&dk.users_lock, NULL);
	dk.source = source;
	dk.check = check;
	gz_diag_init(&d);
	if (gz_gitw_open(&dk.git, source, &d) < 0) {
		gz_diag_print(&d, stderr);
		gz_diag_release(&d);
		goto cleanup;
	}
	gz_diag_release(&d);
	dk.branch = gz_gitw_head_branch(dk.git);
	if (!dk.branch) {
		fprintf(stderr, _("gazette desk: HEAD names no branch to publish from\n"));
		goto cleanup;
	}
	dk.lang = site_language(&dk);
	speak(dk.lang);
	if (!out && gz_gitw_is_bare(dk.git)) {
		fprintf(stderr, _("gazette desk: a bare repository has no place for public/; give --out DIR\n"));
		rc = 2;
		goto cleanup;
	}
	if (!out) {
		gz_buf o = GZ_BUF_INIT;
		gz_buf_printf(&o, "%s/public", source);
		out = def_out = gz_buf_detach(&o, NULL);
	}
	dk.out = out;
	dk.state = state_dir(source, gz_gitw_is_bare(dk.git));
	dk.users_file = users ? users : (def_users = users_default(source, gz_gitw_is_bare(dk.git)));
	dk.sessions = gz_desk_sessions_new();
	if (access(dk.users_file, R_OK) < 0)
		fprintf(stderr, _("gazette desk: no users yet: add one with 'gazette desk user add'\n"));
	rc = gz_http_run(bind, port, handle, &dk);
cleanup:
	gz_desk_sessions_free(dk.sessions);
	gz_gitw_free(dk.git);
	free(dk.branch);
	free(dk.lang);
	free(dk.state);
	free(def_users);
	free(def_out);
	return rc;
}

