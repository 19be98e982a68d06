/*
 * starts.c: preloaded, notes each program image that starts, with the two
 * variables gazette's huge-page start-over reads, in $STARTS_LOG:
 * "start <GAZETTE_HUGE> <GLIBC_TUNABLES>" ("-" for one not set).
 */
#include <stdio.h>
#include <stdlib.h>

__attribute__((constructor)) static void note_start(void)
{
	const char *log = getenv("STARTS_LOG"), *n = getenv("GAZETTE_HUGE"),
		   *t = getenv("GLIBC_TUNABLES");
	FILE *f = log ? fopen(log, "a") : NULL;

	if (!f)
		return;
	fprintf(f, "start %s %s\n", n ? n : "-", t ? t : "-");
	fclose(f);
}
