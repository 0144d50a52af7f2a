/*
 * log.c — one indirection for every log line: stderr, which the launcher
 * or systemd sends to the journal.  Callers never log patient data.
 */
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "nd.h"

const char *nd_prog = "nalamdesk";

void
nd_log(const char *fmt, ...)
{
	va_list	 ap;
	char	 line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s[%d]: %s\n", nd_prog, (int)getpid(), line);
}
