/*
 * phonetic.h — a name's sound as a search key, the same whichever script
 * it was written in (bottom floor: no HTTP, no database).
 *
 * phon_key("Murugan") = phon_key("முருகன்") = phon_key("मुरुगन") = "murukn".
 * ICU's Any-Latin and Latin-ASCII transliterators (libicu) turn the name
 * into plain Latin letters; phon_fold() then folds what Indian names
 * written in Latin letters do not keep apart.  Only the programs that
 * call phon_key() link ICU (Makefile: patients, nalamdesk-admin).
 */
#ifndef PHONETIC_H
#define PHONETIC_H

#include <stddef.h>

#define PHON_IN_MAX	2048	/* longest name phon_key() reads, bytes */
#define PHON_KEY_MAX	1024	/* a key's buffer (keys longer are cut at a word) */

/*
 * Folds the Latin text IN (ASCII; anything but letters separates words)
 * into OUT (SIZE bytes): each word's key, separated by one space.  A word
 * key: letters lower-cased; voiced and aspirated consonants as their plain
 * ones (g k q kh gh ck -> k; d t th dh -> t; b p f ph bh -> p; c ch s sh
 * j jh z -> s; zh -> l; v w -> v; x -> ks); long vowels as short, e and y
 * as i, o as u; every a but a word's first letter dropped (the inherent
 * vowel, written or not); then an h after a consonant, and doubled letters
 * as one.  A prefix of a word folds to a prefix of the word's key (but for
 * a prefix that ends inside a "zh" or a "ck").
 * Returns the key's length, or -1 if OUT is too small (OUT then holds the
 * whole words that fit).
 */
int	phon_fold(const char *in, char *out, size_t size);

/*
 * The key of NAME (UTF-8, at most PHON_IN_MAX bytes; ill-formed bytes
 * are read as U+FFFD) into OUT (SIZE bytes, at least PHON_KEY_MAX for a
 * whole key): ICU's "Any-Latin; Latin-ASCII", then phon_fold().  Returns
 * the key's length (0: nothing to sound out, e.g. only digits), or -1 if
 * ICU failed or NAME is too long (OUT is then "").
 */
int	phon_key(const char *name, char *out, size_t size);

/* Frees the transliterator (it is opened on the first phon_key()). */
void	phon_fini(void);

#endif
