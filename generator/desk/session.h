/*
 * session.h: who is logged in, and who may try again.
 *
 * A session is a random 256-bit token (the cookie) naming a user, with a
 * second random token every form of that session carries (against
 * cross-site requests). Sessions end after twelve idle hours, on logout,
 * or when there are too many (the oldest goes). Failed logins are slowed:
 * after each one, the same name or the same address must wait twice as
 * long before the next try (1 s, 2 s, 4 s … up to 5 minutes), and a try
 * made sooner is refused without looking at the password. Thread-safe.
 */
#ifndef GZ_DESK_SESSION_H
#define GZ_DESK_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#define GZ_TOKEN_SIZE 65 /* 64 hex digits and a NUL */

typedef struct gz_desk_sessions gz_desk_sessions;

typedef struct {
	char token[GZ_TOKEN_SIZE];
	char csrf[GZ_TOKEN_SIZE];
	char user[33];
} gz_desk_session;

gz_desk_sessions *gz_desk_sessions_new(void);
void gz_desk_sessions_free(gz_desk_sessions *s);

/* Start a session for user; *out is a copy. */
void gz_desk_session_start(gz_desk_sessions *s, const char *user, gz_desk_session *out);
/* Find the session of token into *out; false if there is none. */
bool gz_desk_session_find(gz_desk_sessions *s, const char *token, gz_desk_session *out);
void gz_desk_session_end(gz_desk_sessions *s, const char *token);

/* Seconds to wait before name or addr may try a password again; 0: now. */
int gz_desk_login_wait(gz_desk_sessions *s, const char *name, const char *addr);
/* Record a failed (ok false) or good login of name from addr. */
void gz_desk_login_result(gz_desk_sessions *s, const char *name, const char *addr, bool ok);

/* Compare two tokens in constant time. */
bool gz_desk_token_equal(const char *a, const char *b);

#endif
