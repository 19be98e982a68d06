/*
 * envguard.c: an LD_PRELOAD library for tests/e2e/environ.sh. It lets
 * setenv, unsetenv and putenv through, and appends a line to the file
 * named by ENVGUARD_LOG for each call made while the process has more
 * than one thread: such a call can free the copy of the environment that
 * another thread's getenv is reading.
 *
 *   cc -shared -fPIC -o envguard.so tests/tools/envguard.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int threads(void)
{
	char buf[4096];
	const char *at;
	ssize_t n;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	at = strstr(buf, "\nThreads:");
	return at ? atoi(at + strlen("\nThreads:")) : 0;
}

static void note(const char *what, const char *name)
{
	const char *log = getenv("ENVGUARD_LOG");
	int n = threads(), fd;

	if (n <= 1 || !log)
		return;
	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	dprintf(fd, "%s(%s) with %d threads\n", what, name, n);
	close(fd);
}

int setenv(const char *name, const char *value, int overwrite)
{
	int (*real)(const char *, const char *, int) =
		(int (*)(const char *, const char *, int))dlsym(RTLD_NEXT, "setenv");

	note("setenv", name);
	return real(name, value, overwrite);
}

int unsetenv(const char *name)
{
	int (*real)(const char *) = (int (*)(const char *))dlsym(RTLD_NEXT, "unsetenv");

	note("unsetenv", name);
	return real(name);
}

int putenv(char *string)
{
	int (*real)(char *) = (int (*)(char *))dlsym(RTLD_NEXT, "putenv");

	note("putenv", string);
	return real(string);
}
