/*
 * login.c: the login form, a login, and the cookies they set.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/alloc.h"
#include "base/i18n.h"
#include "desk/internal.h"

static void cookie(desk_ctx *c, const char *name, const char *value, int max_age)
{
	gz_buf b = GZ_BUF_INIT;

	gz_buf_printf(&b, "%s=%s; Path=/desk/; HttpOnly; SameSite=Strict; Max-Age=%d", name, value,
		      max_age);
	free(c->rp->cookie);
	c->rp->cookie = gz_buf_detach(&b, NULL);
}

void desk_login_form(desk_ctx *c, const char *error)
{
	gz_buf *b = &c->rp->body;
	char pre[GZ_TOKEN_SIZE];
	const char *have = gz_http_cookie(c->rq, "gz_pre");

	/* before a session, the form's token is a cookie's double */
	if (have && strlen(have) == 64 && strspn(have, "0123456789abcdef") == 64)
		snprintf(pre, sizeof(pre), "%s", have);
	else
		gz_desk_random_hex(pre, 32);
	cookie(c, "gz_pre", pre, 3600);
	desk_head(c, b, _("Log in"));
	if (error) {
		gz_buf_puts(b, "<p class=\"err\" role=\"alert\">");
		html(b, error);
		gz_buf_puts(b, "</p>");
	}
	gz_buf_printf(b,
		      "<form method=\"post\" action=\"/desk/login\" class=\"card login\">"
		      "<input type=\"hidden\" name=\"csrf\" value=\"%s\">"
		      "<label>%s<input name=\"name\" autocomplete=\"username\" required></label>"
		      "<label>%s<input name=\"password\" type=\"password\" "
		      "autocomplete=\"current-password\" required></label>"
		      "<button class=\"primary\">%s</button></form>",
		      pre, _("User name"), _("Password"), _("Log in"));
	desk_foot(b);
}

void desk_do_login(desk_ctx *c)
{
	const char *pre = gz_http_cookie(c->rq, "gz_pre");
	const char *name = field(c, "name"), *pw = field(c, "password");
	const gz_desk_user *u;
	gz_desk_session s;
	int wait;
	bool ok;

	if (!pre || !gz_desk_token_equal(pre, field(c, "csrf"))) {
		c->rp->status = 403;
		desk_login_form(c, _("The form has expired: please log in again."));
		return;
	}
	wait = gz_desk_login_wait(c->dk->sessions, name, c->rq->addr);
	if (wait > 0) {
		gz_buf m = GZ_BUF_INIT;
		gz_buf_printf(&m, _("Too many failed logins: try again in %d seconds."), wait);
		c->rp->status = 429;
		desk_login_form(c, m.ptr);
		gz_buf_release(&m);
		return;
	}
	u = gz_desk_users_find(&c->users, name);
	ok = u && gz_desk_users_check(u, pw);
	gz_desk_login_result(c->dk->sessions, name, c->rq->addr, ok);
	if (!ok) {
		c->rp->status = 403;
		desk_login_form(c, _("Wrong user name or password."));
		return;
	}
	gz_desk_session_start(c->dk->sessions, u->name, &s);
	cookie(c, "gz_session", s.token, 12 * 3600);
	desk_redirect(c, "/desk/");
}

