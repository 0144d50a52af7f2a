/* migrations.h — the schema migrations embedded in the admin tool. */
#ifndef MIGRATIONS_H
#define MIGRATIONS_H
#include <stddef.h>

struct migration {
	int		 version;	/* NNN of schema/NNN_name.sql */
	const char	*name;
	const char	*sql;
};
extern const struct migration migrations[];
extern const size_t nmigrations;

#endif
