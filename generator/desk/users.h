/*
 * users.h: the desk's accounts, in a file outside the content.
 *
 * One line per person: name, role, email and an Argon2id hash of the
 * password (libsodium's crypto_pwhash_str), separated by tabs. The file
 * (default .gazette/desk-users) is written whole to a new file and renamed
 * over the old, readable by its owner only, and never committed. Names are
 * 1 to 32 of a-z 0-9 - _ (they become part of branch names); roles are
 * editor, reviewer and admin.
 */
#ifndef GZ_DESK_USERS_H
#define GZ_DESK_USERS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/diag.h"

typedef enum { GZ_ROLE_EDITOR, GZ_ROLE_REVIEWER, GZ_ROLE_ADMIN } gz_desk_role;

typedef struct {
	char *name, *email, *hash;
	gz_desk_role role;
} gz_desk_user;

typedef struct {
	gz_desk_user *items;
	size_t n, cap;
} gz_desk_users;

/* Where an error in what `gazette desk user add` was given is placed */
#define GZ_DESK_USERS_COMMAND "gazette desk user add"

/* Read the users file at path (a missing file is no users). Returns 0, or
 * -1 with the error added to d, placed in path. Release with
 * gz_desk_users_release. */
int gz_desk_users_load(gz_desk_users *out, const char *path, gz_diag *d);
void gz_desk_users_release(gz_desk_users *u);

/* The user called name, borrowed from u, or NULL. */
const gz_desk_user *gz_desk_users_find(const gz_desk_users *u, const char *name);

/* Add name (or replace its line) with a hash of password and write the
 * file. Returns 0, or -1 with the error added to d: placed at the file when
 * it cannot be read or written, else at GZ_DESK_USERS_COMMAND (a name,
 * role, email or password that will not do). */
int gz_desk_users_add(const char *path, const char *name, const char *role, const char *email,
		      const char *password, gz_diag *d);

/* True if password is the user's. Checks run one at a time: each takes
 * 64 MiB for a moment, and a crowd of logins must not add up. */
bool gz_desk_users_check(const gz_desk_user *u, const char *password);

bool gz_desk_name_valid(const char *name);
const char *gz_desk_role_name(gz_desk_role r);

/* Fill out with n random bytes as 2n hex digits and a NUL. */
void gz_desk_random_hex(char *out, size_t n);

#endif
