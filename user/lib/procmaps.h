/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * procmaps.h: a mapped file's path from its device and inode, as
 * /proc/PID/maps names it. The slowest faults carry (dev, ino) from the
 * kernel; the path is looked up while the process lives, once per process
 * and unknown file: every file line of that maps goes into a cache, so
 * the next fault on any of its files costs nothing (and does not take the
 * traced process's mmap_lock, which reading maps does, again).
 */
#ifndef MMRETRY_PROCMAPS_H
#define MMRETRY_PROCMAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One line of /proc/PID/maps: "START-END PERMS OFFSET MAJ:MIN INODE   PATH"
 * (MAJ, MIN hex; INODE decimal; PATH after spaces, to the end of the line).
 * true for a line that names a file (INODE not 0), with *path pointing into
 * line and *pathlen its length without the newline.
 */
bool maps_line_file(const char *line, uint32_t *major, uint32_t *minor, uint64_t *ino,
		    const char **path, size_t *pathlen);

struct file_names;

struct file_names *file_names_new(void);
void file_names_free(struct file_names *fn);
/*
 * The path of file (major:minor, ino), mapped by process pid: from the
 * cache, else from /proc/PID/maps (read at most once per pid and file
 * not found in it). NULL if unresolved (the process is gone, or maps a
 * file of that name no more); valid until file_names_free().
 */
const char *file_names_get(struct file_names *fn, uint32_t pid, uint32_t major,
			   uint32_t minor, uint64_t ino);
/* Add what one maps text says (tests; file_names_get() reads /proc). */
void file_names_add_maps(struct file_names *fn, const char *text);

#endif
