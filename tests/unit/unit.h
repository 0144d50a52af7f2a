/* unit.h — one line per check: "name... ok" or "name... fail: why". */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <stdlib.h>

static int unit_failed;

#define CHECK(name, cond) do {						\
	if (cond)							\
		printf("%s... ok\n", (name));				\
	else {								\
		printf("%s... fail: %s (%s:%d)\n", (name), #cond,	\
		    __FILE__, __LINE__);				\
		unit_failed++;						\
	}								\
} while (0)

#define UNIT_END()	return unit_failed ? 1 : 0

#endif
