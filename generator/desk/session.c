/*
 * session.c: the session table and the login throttle.
 *
 * Both are small fixed tables: a crowd of requests cannot grow them.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "base/alloc.h"
#include "desk/session.h"
#include "desk/users.h"

#define MAX_SESSIONS 1024
#define IDLE_SECONDS (12 * 3600)
#define MAX_THROTTLE 512
#define MAX_WAIT 300

typedef struct {
	gz_desk_session s;
	int64_t seen;
	bool used;
} slot;

typedef struct {
	char key[80];       /* "u:name" or "a:address" */
	int fails;
	int64_t until;      /* no try before this */
	int64_t seen;
} throttle;

struct gz_desk_sessions {
	pthread_mutex_t lock;
	slot slots[MAX_SESSIONS];
	throttle th[MAX_THROTTLE];
};

static int64_t now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec;
}

gz_desk_sessions *gz_desk_sessions_new(void)
{
	gz_desk_sessions *s = gz_calloc(1, sizeof(*s));

	pthread_mutex_init(&s->lock, NULL);
	return s;
}

void gz_desk_sessions_free(gz_desk_sessions *s)
{
	if (!s)
		return;
	pthread_mutex_destroy(&s->lock);
	sodium_memzero(s, sizeof(*s));
	free(s);
}

bool gz_desk_token_equal(const char *a, const char *b)
{
	size_t n = strlen(a);

	return n == 64 && strlen(b) == n && sodium_memcmp(a, b, n) == 0;
}

void gz_desk_session_start(gz_desk_sessions *s, const char *user, gz_desk_session *out)
{
	int64_t t = now();
	size_t i, pick = 0;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < MAX_SESSIONS; i++) {
		if (!s->slots[i].used || t - s->slots[i].seen > IDLE_SECONDS) {
			pick = i;
			break;
		}
		if (s->slots[i].seen < s->slots[pick].seen)
			pick = i;
	}
	memset(&s->slots[pick], 0, sizeof(slot));
	gz_desk_random_hex(s->slots[pick].s.token, 32);
	gz_desk_random_hex(s->slots[pick].s.csrf, 32);
	snprintf(s->slots[pick].s.user, sizeof(s->slots[pick].s.user), "%s", user);
	s->slots[pick].seen = t;
	s->slots[pick].used = true;
	*out = s->slots[pick].s;
	pthread_mutex_unlock(&s->lock);
}

bool gz_desk_session_find(gz_desk_sessions *s, const char *token, gz_desk_session *out)
{
	int64_t t = now();
	bool found = false;
	size_t i;

	if (!token || strlen(token) != 64)
		return false;
	pthread_mutex_lock(&s->lock);
	for (i = 0; i < MAX_SESSIONS; i++) {
		slot *sl = &s->slots[i];
		if (!sl->used || !gz_desk_token_equal(sl->s.token, token))
			continue;
		if (t - sl->seen > IDLE_SECONDS) {
			sl->used = false;
			break;
		}
		sl->seen = t;
		*out = sl->s;
		found = true;
		break;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

void gz_desk_session_end(gz_desk_sessions *s, const char *token)
{
	size_t i;

	pthread_mutex_lock(&s->lock);
	for (i = 0; i < MAX_SESSIONS; i++)
		if (s->slots[i].used && gz_desk_token_equal(s->slots[i].s.token, token))
			memset(&s->slots[i], 0, sizeof(slot));
	pthread_mutex_unlock(&s->lock);
}

static throttle *th_find(gz_desk_sessions *s, const char *kind, const char *v, bool make)
{
	char key[80];
	size_t i, pick = 0;

	snprintf(key, sizeof(key), "%s:%s", kind, v);
	for (i = 0; i < MAX_THROTTLE; i++) {
		if (!strcmp(s->th[i].key, key))
			return &s->th[i];
		if (s->th[i].seen < s->th[pick].seen)
			pick = i;
	}
	if (!make)
		return NULL;
	memset(&s->th[pick], 0, sizeof(throttle));
	snprintf(s->th[pick].key, sizeof(s->th[pick].key), "%s", key);
	return &s->th[pick];
}

int gz_desk_login_wait(gz_desk_sessions *s, const char *name, const char *addr)
{
	int64_t t = now(), until = 0;
	throttle *a, *b;

	pthread_mutex_lock(&s->lock);
	a = th_find(s, "u", name, false);
	b = th_find(s, "a", addr, false);
	if (a && a->until > until)
		until = a->until;
	if (b && b->until > until)
		until = b->until;
	pthread_mutex_unlock(&s->lock);
	return until > t ? (int)(until - t) : 0;
}

void gz_desk_login_result(gz_desk_sessions *s, const char *name, const char *addr, bool ok)
{
	int64_t t = now();
	throttle *th[2];
	int i;

	pthread_mutex_lock(&s->lock);
	th[0] = th_find(s, "u", name, !ok);
	th[1] = th_find(s, "a", addr, !ok);
	for (i = 0; i < 2; i++) {
		if (!th[i])
			continue;
		if (ok) {
			th[i]->fails = 0;
			th[i]->until = 0;
			continue;
		}
		th[i]->fails++;
		th[i]->until = t + (th[i]->fails > 9 ? MAX_WAIT : (1 << (th[i]->fails - 1)));
		if (th[i]->until - t > MAX_WAIT)
			th[i]->until = t + MAX_WAIT;
		th[i]->seen = t;
	}
	pthread_mutex_unlock(&s->lock);
}
