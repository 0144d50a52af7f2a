/*
 * pkey.h — a patient's sound key (patients.name_key, schema 007): the one
 * place, besides the patients program's own INSERT and UPDATE, that writes
 * it.  The admin tool fills the keys after a migration or a restore, and
 * rebuilds them all on `nalamdesk-admin rekey` (after a change of
 * phonetic.c's folding, or rows written by hand).  Links ICU (phonetic.c).
 */
#ifndef PKEY_H
#define PKEY_H

/*
 * Writes the sound key of every patient whose key is NULL (ALL: of every
 * patient), ten thousand patients a transaction.  Returns the number of
 * keys written, or -1 (SQLite or ICU failed; what was committed stays).
 */
long long	pkey_fill(int all);

#endif
