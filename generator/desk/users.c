/*
 * users.c: the users file and password hashes (libsodium).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "base/alloc.h"
#include "base/buf.h"
#include "base/i18n.h"
#include "desk/users.h"

static pthread_mutex_t check_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t sodium_once = PTHREAD_ONCE_INIT;

static void start_sodium(void)
{
	if (sodium_init() < 0)
		abort(); /* no source of randomness: nothing here can be safe */
}

static const char *const role_names[] = {"editor", "reviewer", "admin"};

const char *gz_desk_role_name(gz_desk_role r)
{
	return role_names[r];
}

static int role_parse(const char *s, gz_desk_role *out)
{
	size_t i;

	for (i = 0; i < 3; i++)
		if (!strcmp(s, role_names[i])) {
			*out = (gz_desk_role)i;
			return 0;
		}
	return -1;
}

bool gz_desk_name_valid(const char *name)
{
	size_t i, n = strlen(name);

	if (n < 1 || n > 32)
		return false;
	for (i = 0; i < n; i++) {
		char c = name[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return false;
	}
	return true;
}

static bool field_ok(const char *s)
{
	return s && *s && !strpbrk(s, "\t\n\r");
}

void gz_desk_random_hex(char *out, size_t n)
{
	unsigned char b[64];

	pthread_once(&sodium_once, start_sodium);
	if (n > sizeof(b))
		n = sizeof(b);
	randombytes_buf(b, n);
	sodium_bin2hex(out, 2 * n + 1, b, n);
}

int gz_desk_users_load(gz_desk_users *out, const char *path, gz_diag *d)
{
	gz_buf b = GZ_BUF_INIT;
	char *line, *save = NULL;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	pthread_once(&sodium_once, start_sodium);
	if (gz_buf_read_file(&b, path) < 0) {
		if (errno == ENOENT)
			return 0;
		gz_diag_error(d, path, 0, 0, "%s", strerror(errno));
		gz_buf_release(&b);
		return -1;
	}
	for (line = strtok_r(b.ptr, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL;
		gz_desk_user u;
		int i;

		lineno++;
		if (line[0] == '#')
			continue;
		for (i = 0; i < 4; i++)
			f[i] = strtok_r(i ? NULL : line, "\t", &s2);
		if (!f[3] || !gz_desk_name_valid(f[0]) || role_parse(f[1], &u.role) < 0) {
			gz_diag_error(d, path, lineno, 1, _("not a line of a users file"));
			gz_buf_release(&b);
			gz_desk_users_release(out);
			return -1;
		}
		u.name = gz_strdup(f[0]);
		u.email = gz_strdup(f[2]);
		u.hash = gz_strdup(f[3]);
		gz_grow((void **)&out->items, &out->cap, out->n + 1, sizeof(u));
		out->items[out->n++] = u;
	}
	gz_buf_release(&b);
	return 0;
}

void gz_desk_users_release(gz_desk_users *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		free(u->items[i].name);
		free(u->items[i].email);
		sodium_memzero(u->items[i].hash, strlen(u->items[i].hash));
		free(u->items[i].hash);
	}
	free(u->items);
	memset(u, 0, sizeof(*u));
}

const gz_desk_user *gz_desk_users_find(const gz_desk_users *u, const char *name)
{
	size_t i;

	for (i = 0; i < u->n; i++)
		if (!strcmp(u->items[i].name, name))
			return &u->items[i];
	return NULL;
}

/* what is wrong with arg, given on the command line */
static int fail(gz_diag *d, const char *why, const char *arg)
{
	gz_diag_error(d, GZ_DESK_USERS_COMMAND, 0, 0, "%s: %s", arg, why);
	return -1;
}

int gz_desk_users_add(const char *path, const char *name, const char *role, const char *email,
		      const char *password, gz_diag *d)
{
	gz_desk_users u;
	gz_desk_role r;
	char hash[crypto_pwhash_STRBYTES];
	gz_buf out = GZ_BUF_INIT, tmp = GZ_BUF_INIT;
	size_t i;
	int fd, rc = -1;
	bool replaced = false;

	if (!gz_desk_name_valid(name))
		return fail(d, _("a name is 1 to 32 of a-z, 0-9, - and _"), name);
	if (role_parse(role, &r) < 0)
		return fail(d, _("the role is editor, reviewer or admin"), role);
	if (!field_ok(email) || !strchr(email, '@'))
		return fail(d, _("not an email address"), email ? email : "");
	if (strlen(password) < 8)
		return fail(d, _("a password has at least 8 characters"), name);
	if (gz_desk_users_load(&u, path, d) < 0)
		return -1;
	if (crypto_pwhash_str_alg(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				  crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
		fail(d, _("out of memory hashing the password"), name);
		goto cleanup;
	}
	for (i = 0; i < u.n; i++) {
		const gz_desk_user *x = &u.items[i];
		if (!strcmp(x->name, name)) {
			gz_buf_printf(&out, "%s\t%s\t%s\t%s\n", name, role, email, hash);
			replaced = true;
		} else {
			gz_buf_printf(&out, "%s\t%s\t%s\t%s\n", x->name, role_names[x->role], x->email,
				      x->hash);
		}
	}
	if (!replaced)
		gz_buf_printf(&out, "%s\t%s\t%s\t%s\n", name, role, email, hash);
	gz_buf_printf(&tmp, "%s.tmp", path);
	fd = open(tmp.ptr, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, out.ptr, out.len) != (ssize_t)out.len || fsync(fd) < 0 ||
	    close(fd) < 0 || rename(tmp.ptr, path) < 0) {
		gz_diag_error(d, path, 0, 0, "%s", strerror(errno));
		unlink(tmp.ptr);
		goto cleanup;
	}
	rc = 0;
cleanup:
	sodium_memzero(hash, sizeof(hash));
	gz_buf_release(&out);
	gz_buf_release(&tmp);
	gz_desk_users_release(&u);
	return rc;
}

bool gz_desk_users_check(const gz_desk_user *u, const char *password)
{
	bool ok;

	pthread_mutex_lock(&check_lock);
	ok = crypto_pwhash_str_verify(u->hash, password, strlen(password)) == 0;
	pthread_mutex_unlock(&check_lock);
	return ok;
}
